// misaki's inline pronunciation markup: `[Kokoro](/kˈOkəɹO/)` reads the bracketed text with the
// phonemes between the slashes. A link whose target is not `/…/` (e.g. `[word](x)`) is read as
// its bracketed text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kokoro {

struct PronunciationSpan {
  size_t begin = 0, end = 0;          // the whole `[…](…)`, bytes of the input
  size_t textBegin = 0, textEnd = 0;  // the bracketed text
  std::optional<std::string> phonemes;
};

// The markup span starting exactly at byte `at` (which must be a '['), if any.
std::optional<PronunciationSpan> markupAt(std::string_view text, size_t at);

}  // namespace kokoro
