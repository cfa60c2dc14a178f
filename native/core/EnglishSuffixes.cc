#include "core/EnglishSuffixes.h"

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
// hand-written forms do (gambling ɡˈæmbᵊlɪŋ). An American syllabic n spelled with its own vowel
// (gladden, wagon) becomes ə + n, the vowel the spelling shows; the British hand-written forms
// keep it syllabic (gardening ɡˈɑːdᵊnɪŋ).
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
  } else if (s.back() == U'n' && !consonantLe && !british) {
    s[s.size() - 2] = U'ə';
  }
}

// British: a final unstressed i (party, trolley) is written ɪ before -s and -ed (trolleyed), as
// the hand-written British lexicon writes 43 of 46 such -ies/-eys and 52 of 56 -ied/-eyed words.
bool laxFinalI(std::u32string& s, bool british) {
  if (!british || s.size() < 2 || s.back() != U'i' || s[s.size() - 2] == kPrimary || s[s.size() - 2] == kSecondary) {
    return false;
  }
  s.back() = U'ɪ';
  return true;
}

}  // namespace

std::string inflectedStem(const std::string& stemPhonemes, std::string_view stemSpelling, bool british) {
  const bool unPrefix = stemSpelling.size() >= 5 && stemSpelling.substr(0, 2) == "un";
  if (!unPrefix) return stemPhonemes;
  std::string stem = stemPhonemes;
  if (stem.rfind("ʌŋ", 0) == 0) stem.replace(0, std::string("ʌŋ").size(), "ʌn");
  if (british || stem.rfind("ʌn", 0) != 0) return stem;
  return "ˌ" + stem;
}

std::string sForm(const std::string& stemPhonemes, bool british) {
  std::u32string s = decodeUtf8(stemPhonemes);
  if (laxFinalI(s, british)) return encode(s) + "z";
  const char32_t last = s.empty() ? 0 : s.back();
  if (in(last, U"ptkfθ")) return stemPhonemes + "s";
  if (in(last, U"szʃʒʧʤ")) return stemPhonemes + (british ? "ɪ" : "ᵻ") + "z";
  return stemPhonemes + "z";
}

std::string edForm(const std::string& stemPhonemes, bool british) {
  std::u32string s = decodeUtf8(stemPhonemes);
  // British: a syllabic l after a consonant other than t or d closes the syllable before -ed
  // (tumbled tˈʌmbld, channeled ʧˈanld), as the hand-written British forms write it.
  if (british && s.size() >= 3 && s.back() == U'l' && s[s.size() - 2] == kSyllabic && !in(s[s.size() - 3], U"tdTɾ")) {
    s.erase(s.size() - 2, 1);
    return encode(s) + "d";
  }
  if (laxFinalI(s, british)) return encode(s) + "d";
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
    // A long vowel links through ɹ where the spelling has an r (adoring, swearing), else directly
    // (viewing, skiing); misaki leaves both to espeak-ng.
    if (s.back() == kLong) return encode(s) + (endsWith(word, "ring") ? "ɹɪŋ" : "ɪŋ");
    if (s.back() == U'ə') return std::nullopt;
  } else if (s.size() > 1 && s.back() == U't' && in(s[s.size() - 2], kFlapVowels)) {
    s.back() = U'ɾ';
  }
  return encode(s) + "ɪŋ";
}

}  // namespace kokoro
