#include "core/EspeakInput.h"

#include "core/Vocab.h"

namespace kokoro {
namespace {

// Characters that only modify or join the pictograph before them.
bool isEmojiControl(char32_t cp) {
  return cp == 0x200D                        // zero-width joiner
         || (cp >= 0xFE00 && cp <= 0xFE0F)   // variation selectors (text/emoji presentation)
         || cp == 0x20E3                     // combining enclosing keycap
         || (cp >= 0x1F3FB && cp <= 0x1F3FF) // skin-tone modifiers
         || (cp >= 0xE0000 && cp <= 0xE007F) // tag characters (subdivision flags)
         || (cp >= 0xE0100 && cp <= 0xE01EF);  // variation selectors supplement
}

// Pictographs and the symbol blocks espeak names character by character.
bool isPictographOrSymbol(char32_t cp) {
  return cp == 0x00A9 || cp == 0x00AE || cp == 0x203C || cp == 0x2049 || cp == 0x2122 || cp == 0x2139 ||
         (cp >= 0x2190 && cp <= 0x24FF)     // arrows, mathematical operators, technical, enclosed alphanumerics
         || (cp >= 0x25A0 && cp <= 0x2BFF)  // geometric shapes, misc symbols, dingbats, more arrows and symbols
         || cp == 0x3030 || cp == 0x303D || cp == 0x3297 || cp == 0x3299 ||
         (cp >= 0x1F000 && cp <= 0x1FBFF);  // emoji, pictographs, playing cards, regional indicators
}

bool isRegionalIndicator(char32_t cp) { return cp >= 0x1F1E6 && cp <= 0x1F1FF; }

}  // namespace

std::string espeakSafeText(const std::string& utf8Text) {
  std::u32string out;
  out.reserve(utf8Text.size());
  bool halfFlag = false;  // the last character kept is the first regional indicator of a flag
  for (char32_t cp : decodeUtf8(utf8Text)) {
    if (isEmojiControl(cp)) continue;
    const bool secondOfFlag = halfFlag && isRegionalIndicator(cp);
    halfFlag = isRegionalIndicator(cp) && !secondOfFlag;
    if (secondOfFlag) {
      out.back() = cp;  // replaces the space after the first indicator
      out += U' ';
    } else if (isPictographOrSymbol(cp)) {
      if (!out.empty() && out.back() != U' ') out += U' ';
      out += cp;
      out += U' ';
    } else {
      out += cp;
    }
  }
  std::string utf8;
  utf8.reserve(out.size());
  for (char32_t cp : out) utf8 += encodeUtf8(cp);
  return utf8;
}

}  // namespace kokoro
