#include "core/EspeakInput.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

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

// The first code point of the digits 0-9 of each script espeak reads with another language.
constexpr std::array<char32_t, 7> kForeignDigitZeros = {
    0x09E6, 0x0A66, 0x0AE6, 0x0BE6, 0x0CE6, 0x0D66, 0x0DE6};  // Bengali .. Sinhala (lith)

// Every other character of those scripts that no rule of 1.51's language data reads: unassigned
// code points, signs, fractions, archaic letters (see EspeakInput.h). Found by phonemizing every
// code point of the blocks, alone and after a letter of the script, with each of our voices
// under AddressSanitizer; sorted.
constexpr std::pair<char32_t, char32_t> kUnreadInForeignScript[] = {
    {0x0380, 0x0385}, {0x0387, 0x0387}, {0x038B, 0x038B}, {0x038D, 0x038D}, {0x03A2, 0x03A2}, {0x03F6, 0x03F6},  // Greek
    {0x0970, 0x0970},                                                                                        // Devanagari
    {0x09E4, 0x09E5}, {0x09F2, 0x09F3}, {0x09F7, 0x09F9}, {0x09FB, 0x09FB}, {0x09FD, 0x09FF},               // Bengali
    {0x0A64, 0x0A65}, {0x0A76, 0x0A77}, {0x0A7B, 0x0A7B}, {0x0A7E, 0x0A7F},                                  // Gurmukhi
    {0x0AE4, 0x0AE5}, {0x0AF0, 0x0AF8}, {0x0AFD, 0x0AFF},                                                    // Gujarati
    {0x0B80, 0x0B80}, {0x0B84, 0x0B84}, {0x0B8B, 0x0B8C}, {0x0B96, 0x0B98}, {0x0B9B, 0x0B9B}, {0x0B9D, 0x0B9D},  // Tamil
    {0x0BA0, 0x0BA2}, {0x0BA6, 0x0BA7}, {0x0BAB, 0x0BAD}, {0x0BBA, 0x0BBC}, {0x0BC4, 0x0BC4}, {0x0BD3, 0x0BD4},
    {0x0BDA, 0x0BE5}, {0x0BFB, 0x0BFF},
    {0x0C80, 0x0C80}, {0x0C84, 0x0C84}, {0x0CC5, 0x0CC5}, {0x0CCE, 0x0CD2}, {0x0CFD, 0x0CFF},               // Kannada
    {0x0D00, 0x0D01}, {0x0D04, 0x0D04}, {0x0D0D, 0x0D0D}, {0x0D45, 0x0D45}, {0x0D49, 0x0D49}, {0x0D52, 0x0D52},  // Malayalam
    {0x0D55, 0x0D56}, {0x0D5B, 0x0D5B}, {0x0D5E, 0x0D5F}, {0x0D62, 0x0D62},
    {0x0DC7, 0x0DC9}, {0x0DCB, 0x0DCD}, {0x0DD5, 0x0DD5}, {0x0DD7, 0x0DD7}, {0x0DE2, 0x0DE5}, {0x0DF0, 0x0DF1},  // Sinhala
    {0x0DF5, 0x0DF9}, {0x0DFB, 0x0DFF},
    {0x10C6, 0x10C6}, {0x10C8, 0x10CC}, {0x10CE, 0x10CF}, {0x10FB, 0x10FB},                                  // Georgian
    {0x1180, 0x11A7}, {0x11C3, 0x11FF},                                                                      // Hangul jamo
};

// The ASCII digit a foreign-script digit stands for, or 0.
char32_t asciiDigitOf(char32_t cp) {
  for (char32_t zero : kForeignDigitZeros) {
    if (cp >= zero && cp <= zero + 9) return U'0' + (cp - zero);
  }
  return 0;
}

bool isUnreadInForeignScript(char32_t cp) {
  if (cp < 0x0380 || cp > 0x11FF) return false;
  const auto* end = std::end(kUnreadInForeignScript);
  const auto* range = std::upper_bound(std::begin(kUnreadInForeignScript), end, cp,
                                       [](char32_t c, const std::pair<char32_t, char32_t>& r) { return c < r.first; });
  return range != std::begin(kUnreadInForeignScript) && cp <= std::prev(range)->second;
}

}  // namespace

std::string espeakSafeText(const std::string& utf8Text) {
  std::u32string out;
  out.reserve(utf8Text.size());
  bool halfFlag = false;  // the last character kept is the first regional indicator of a flag
  for (char32_t cp : decodeUtf8(utf8Text)) {
    if (isEmojiControl(cp)) continue;
    if (const char32_t digit = asciiDigitOf(cp)) cp = digit;
    if (isUnreadInForeignScript(cp)) cp = U' ';
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
