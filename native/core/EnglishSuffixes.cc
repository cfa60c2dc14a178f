#include "core/EnglishSuffixes.h"

#include <vector>

#include "core/EnglishStress.h"
#include "core/Vocab.h"

namespace kokoro {
namespace {

constexpr char32_t kPrimary = U'ˈ';
constexpr char32_t kSecondary = U'ˌ';
constexpr char32_t kSyllabic = U'ᵊ';
constexpr char32_t kLong = U'ː';
// Vowels after which an American /t/ before a vowel becomes a flap.
constexpr std::u32string_view kFlapVowels = U"AIOWYiuæɑəɛɪɹʊʌ";
// Vowels that are never reduced: diphthongs and the short full vowels (long ones carry ː).
constexpr std::u32string_view kFullVowels = U"AIOQWYaɒɛʌæɑɔ";

bool in(char32_t cp, std::u32string_view set) { return set.find(cp) != std::u32string_view::npos; }
bool isVowelLetter(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }
bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string encode(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) out += encodeUtf8(cp);
  return out;
}

// A stem's final syllabic consonant before the suffix's vowel. British: spelled consonant + "le"
// (the e drops: bottle, bottling), the l becomes the onset of -ing, except after t and s, where
// the syllabic l stays (settling, hustling; /tl/ begins no English syllable). American keeps the
// syllabic l (crumbling kɹˈʌmbᵊlɪŋ): the hand-written American lexicon does so for 72 of 84 such
// -ing forms, the British one drops it (BENCHMARKS.md); an American stem written with a full ə l
// after a consonant and spelled consonant + le (gamble ɡˈæmbəl) takes the syllabic l too, as the
// hand-written forms do (gambling ɡˈæmbᵊlɪŋ). A syllabic n spelled with its own vowel (gladden,
// wagon) becomes ə + n, the vowel the spelling shows.
void resyllabify(std::u32string& s, std::string_view stemSpelling, bool british) {
  if (s.size() < 3) return;
  const bool consonantLe = stemSpelling.size() >= 3 && endsWith(stemSpelling, "le") &&
                           !isVowelLetter(stemSpelling[stemSpelling.size() - 3]);
  const char32_t before = s[s.size() - 3];
  if (!british && consonantLe && s.back() == U'l' && s[s.size() - 2] == U'ə' && !isEnglishVowel(before) &&
      before != kPrimary && before != kSecondary) {
    s[s.size() - 2] = kSyllabic;
    return;
  }
  if (s[s.size() - 2] != kSyllabic) return;
  if (s.back() == U'l' && consonantLe) {
    if (british && !in(before, U"tTɾs")) s.erase(s.size() - 2, 1);
  } else if (s.back() == U'n' && !consonantLe) {
    s[s.size() - 2] = U'ə';
  }
}

// British rhythm: a final full vowel (abbreviate, analyse, videotape) at least two syllables
// after the main stress takes a secondary stress once -ing follows it; right after the main
// stress (gyrate, downgrade) it stays unstressed.
void rhythmicStress(std::u32string& s) {
  size_t last = std::u32string::npos;
  for (size_t i = s.size(); i-- > 0;) {
    if (isEnglishVowel(s[i])) {
      last = i;
      break;
    }
  }
  if (last == std::u32string::npos || last == 0) return;
  const bool full = in(s[last], kFullVowels) || (last + 1 < s.size() && s[last + 1] == kLong);
  const char32_t before = s[last - 1];
  if (!full || isEnglishVowel(before) || before == kPrimary || before == kSecondary) return;
  const size_t primary = s.rfind(kPrimary, last);
  if (primary == std::u32string::npos) return;
  int syllables = 0;
  bool inVowel = false;
  for (size_t i = primary + 1; i < last; ++i) {
    const bool vowel = isEnglishVowel(s[i]);
    if (vowel && !inVowel) ++syllables;
    inVowel = vowel || (inVowel && s[i] == kLong);
  }
  if (syllables >= 2) s.insert(last, 1, kSecondary);
}

}  // namespace

std::string sForm(const std::string& stemPhonemes, bool british) {
  const std::u32string s = decodeUtf8(stemPhonemes);
  const char32_t last = s.empty() ? 0 : s.back();
  if (in(last, U"ptkfθ")) return stemPhonemes + "s";
  if (in(last, U"szʃʒʧʤ")) return stemPhonemes + (british ? "ɪ" : "ᵻ") + "z";
  return stemPhonemes + "z";
}

std::string edForm(const std::string& stemPhonemes, bool british) {
  std::u32string s = decodeUtf8(stemPhonemes);
  const char32_t last = s.empty() ? 0 : s.back();
  if (in(last, U"pkfθʃsʧ")) return stemPhonemes + "t";
  if (last == U'd') return stemPhonemes + (british ? "ɪ" : "ᵻ") + "d";
  if (last != U't') return stemPhonemes + "d";
  if (british || s.size() < 2) return stemPhonemes + "ɪd";
  if (in(s[s.size() - 2], kFlapVowels)) {
    s.back() = U'ɾ';
    return encode(s) + "ᵻd";
  }
  return stemPhonemes + "ᵻd";
}

bool ingBaseWantsSilentE(std::string_view base) {
  if (base.size() < 3) return false;
  const char last = base.back();
  const char before = base[base.size() - 2];
  const auto aeiou = [](char c) { return c != 'y' && isVowelLetter(c); };
  const bool singleVowelConsonant = !isVowelLetter(last) && last != 'w' && last != 'x' && aeiou(before) &&
                                    !aeiou(base[base.size() - 3]);
  const bool softCOrG = last == 'c' || (last == 'g' && (before == 'r' || before == 'l'));
  const bool verbInTheOrSe = endsWith(base, "th") || (last == 's' && before != 's');
  return singleVowelConsonant || softCOrG || verbInTheOrSe;
}

std::optional<std::string> ingForm(const std::string& stemPhonemes, std::string_view stemSpelling,
                                   std::string_view word, bool british) {
  std::u32string s = decodeUtf8(stemPhonemes);
  if (s.empty()) return std::nullopt;
  resyllabify(s, stemSpelling, british);
  if (british) {
    // A centring diphthong spelled with r links to the vowel with ɹ (hear, hearing).
    const bool centring = s.size() >= 2 && s.back() == U'ə' && in(s[s.size() - 2], U"ɪʊ");
    if (centring && endsWith(word, "ring")) return encode(s) + "ɹɪŋ";
    if (s.back() == U'ə' || s.back() == kLong) return std::nullopt;
    rhythmicStress(s);
  } else if (s.size() > 1 && s.back() == U't' && in(s[s.size() - 2], kFlapVowels)) {
    s.back() = U'ɾ';
  }
  return encode(s) + "ɪŋ";
}

bool soundsAlike(const std::string& a, const std::string& b) {
  struct Sound {
    char32_t symbol;
    bool vowel, stressed;
  };
  // Stress marks move onto the vowel they govern; a syllabic mark counts as a reduced vowel; the
  // American flap and glottal stop are compared in one spelling whether they come from the
  // lexicon (ɾ ʔ) or from espeak-ng through the model's symbols (T t) -- before this, no stem
  // with a flap ever matched.
  const auto sounds = [](const std::string& phonemes) {
    std::vector<Sound> out;
    bool stress = false;
    for (char32_t cp : decodeUtf8(phonemes)) {
      if (cp == kPrimary || cp == kSecondary) {
        stress = true;
        continue;
      }
      if (cp == kSyllabic) cp = U'ə';
      if (cp == U'ɾ') cp = U'T';
      if (cp == U'ʔ') cp = U't';
      const bool vowel = isEnglishVowel(cp);
      out.push_back({cp, vowel, vowel && stress});
      if (vowel) stress = false;
    }
    return out;
  };
  // Reduced vowels are one; an unstressed i or ɛ in one reading may be reduced in the other (the
  // first vowel of re-, de-, ex-, em-: ɹiwˈɑʃ against ɹᵻwˈɑʃɪŋ); n and ŋ before k or ɡ are one
  // (espeak-ng assimilates the nasal: ɪnɡˈʌlf against ɪŋɡˈʌlfɪŋ).
  const auto reduced = [](char32_t cp) { return in(cp, U"ᵻɪəʊʌ"); };
  const auto reducible = [](const Sound& s) { return !s.stressed && in(s.symbol, U"iɛ"); };
  const auto x = sounds(a), y = sounds(b);
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    const Sound& p = x[i];
    const Sound& q = y[i];
    if (p.symbol == q.symbol) continue;
    const bool beforeVelar = i + 1 < x.size() && x[i + 1].symbol == y[i + 1].symbol && in(x[i + 1].symbol, U"kɡ");
    if (beforeVelar && in(p.symbol, U"nŋ") && in(q.symbol, U"nŋ")) continue;
    if (!p.vowel || !q.vowel) return false;
    const bool alike = (reduced(p.symbol) && reduced(q.symbol)) || (reduced(p.symbol) && reducible(q)) ||
                       (reduced(q.symbol) && reducible(p));
    if (!alike) return false;
  }
  return true;
}

}  // namespace kokoro
