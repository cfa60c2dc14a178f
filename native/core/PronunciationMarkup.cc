#include "core/PronunciationMarkup.h"

namespace kokoro {

std::optional<PronunciationSpan> markupAt(std::string_view text, size_t at) {
  if (at >= text.size() || text[at] != '[') return std::nullopt;
  const size_t close = text.find(']', at + 1);
  if (close == std::string_view::npos || close == at + 1 || close + 1 >= text.size() || text[close + 1] != '(') {
    return std::nullopt;
  }
  // The bracketed text may not itself open another link.
  if (text.substr(at + 1, close - at - 1).find('[') != std::string_view::npos) return std::nullopt;
  const size_t paren = text.find(')', close + 2);
  if (paren == std::string_view::npos) return std::nullopt;
  PronunciationSpan span;
  span.begin = at;
  span.end = paren + 1;
  span.textBegin = at + 1;
  span.textEnd = close;
  const std::string_view target = text.substr(close + 2, paren - close - 2);
  if (target.size() > 1 && target.front() == '/') {
    std::string_view phonemes = target.substr(1);
    while (!phonemes.empty() && phonemes.back() == '/') phonemes.remove_suffix(1);
    span.phonemes = std::string(phonemes);
  }
  return span;
}

}  // namespace kokoro
