#include "core/IpaMapping.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/Vocab.h"

namespace kokoro {
namespace {

using Table = std::vector<std::pair<std::string, std::string>>;

// English: diphthongs become single letters (A I O W Y; British Q), affricates ʤ ʧ, syllabic
// consonants are written with ᵊ, r is ɹ, sounds English lacks fold to the nearest English one.
const Table& englishTable() {
  static const Table table = {
      {"ʔˌn\u0329", "ʔn"}, {"ʔn\u0329", "ʔn"},
      {"a^ɪ", "I"}, {"a^ʊ", "W"}, {"d^ʒ", "ʤ"}, {"e^ɪ", "A"}, {"t^ʃ", "ʧ"}, {"ɔ^ɪ", "Y"}, {"ə^l", "ᵊl"},
      {"ʲo", "jo"}, {"ʲə", "jə"}, {"ʲ", ""}, {"ɚ", "əɹ"}, {"e", "A"}, {"r", "ɹ"}, {"x", "k"}, {"ç", "k"},
      {"ɐ", "ə"}, {"ɬ", "l"}, {"\u0303", ""},
  };
  return table;
}

// Other espeak languages: ties joined into the model's single-symbol affricates/diphthongs.
const Table& otherTable() {
  static const Table table = {
      {"a^ɪ", "I"}, {"a^ʊ", "W"}, {"d^z", "ʣ"}, {"d^ʒ", "ʤ"}, {"e^ɪ", "A"}, {"o^ʊ", "O"},
      {"ə^ʊ", "Q"}, {"s^s", "S"}, {"t^s", "ʦ"}, {"t^ʃ", "ʧ"}, {"ɔ^ɪ", "Y"},
  };
  return table;
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

// Longest patterns first, so that "e^ɪ" wins over "e".
void applyTable(std::string& s, const Table& table) {
  std::vector<const std::pair<std::string, std::string>*> ordered;
  for (const auto& entry : table) ordered.push_back(&entry);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](auto* a, auto* b) { return a->first.size() > b->first.size(); });
  for (const auto* entry : ordered) replaceAll(s, entry->first, entry->second);
}

// "x̩" (syllabic) -> "ᵊx": the model writes a schwa before syllabic consonants.
std::string syllabicToSchwa(const std::string& s) {
  const std::u32string cps = decodeUtf8(s);
  std::u32string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (i + 1 < cps.size() && cps[i + 1] == 0x0329 && cps[i] != ' ') {
      out += U'ᵊ';
      out += cps[i];
      ++i;
    } else if (cps[i] != 0x0329) {
      out += cps[i];
    }
  }
  std::string utf8;
  for (char32_t cp : out) utf8 += encodeUtf8(cp);
  return utf8;
}

}  // namespace

std::string mapEspeakIpa(const std::string& ipa, EspeakLanguage language) {
  std::string s = ipa;
  const bool english = language == EspeakLanguage::AmericanEnglish || language == EspeakLanguage::BritishEnglish;
  if (!english) {
    applyTable(s, otherTable());
    replaceAll(s, "^", "");
    replaceAll(s, "-", "");
    return s;
  }
  applyTable(s, englishTable());
  s = syllabicToSchwa(s);
  if (language == EspeakLanguage::BritishEnglish) {
    replaceAll(s, "e^ə", "ɛː");
    replaceAll(s, "iə", "ɪə");
    replaceAll(s, "ə^ʊ", "Q");
  } else {
    replaceAll(s, "o^ʊ", "O");
    replaceAll(s, "ɜːɹ", "ɜɹ");
    replaceAll(s, "ɜː", "ɜɹ");
    replaceAll(s, "ɪə", "iə");
    replaceAll(s, "ː", "");
  }
  replaceAll(s, "o", "ɔ");  // espeak < 1.52 writes the THOUGHT vowel as o
  replaceAll(s, "ɾ", "T");  // the flap of American "butter"
  replaceAll(s, "ʔ", "t");
  replaceAll(s, "^", "");
  // One r where espeak-ng writes an r-coloured vowel and then the linking r (ɚɹ, ʊɹ + ɹ:
  // "wondering" wˈʌndəɹɹɪŋ): the lexicon's machine-made tier, espeak's own readings, never has two
  // (0 of 20,944 American silver entries with əɹ), nor does the hand-written tier except across
  // a written rr (interracial).
  replaceAll(s, "ɹɹ", "ɹ");
  return s;
}

}  // namespace kokoro
