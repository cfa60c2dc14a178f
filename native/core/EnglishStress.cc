#include "core/EnglishStress.h"

#include <vector>

#include "core/Vocab.h"

namespace kokoro {
namespace {

constexpr char32_t kPrimary = U'ˈ';
constexpr char32_t kSecondary = U'ˌ';
const std::u32string kVowels = U"AIOQWYaiuæɑɒɔəɛɜɪʊʌᵻ";
const std::u32string kConsonants = U"bdfhjklmnpstvwzðŋɡɹɾʃʒʤʧθ";
const std::u32string kDiphthongs = U"AIOQWYʤʧ";

bool isStress(char32_t cp) { return cp == kPrimary || cp == kSecondary; }

std::string encode(const std::u32string& cps) {
  std::string out;
  for (char32_t cp : cps) out += encodeUtf8(cp);
  return out;
}

std::u32string without(std::u32string s, char32_t mark) {
  std::u32string out;
  for (char32_t cp : s) if (cp != mark) out += cp;
  return out;
}

// Puts a stress mark in front of the string, then moves every mark to just before the vowel it
// governs.
std::u32string markedBeforeVowels(const std::u32string& s, char32_t mark) {
  std::u32string in = mark + s;
  std::u32string out;
  std::u32string waiting;  // marks not yet placed
  for (char32_t cp : in) {
    if (isStress(cp)) {
      waiting += cp;
      continue;
    }
    if (isEnglishVowel(cp)) {
      out += waiting;
      waiting.clear();
    }
    out += cp;
  }
  return out + waiting;
}

}  // namespace

bool isEnglishVowel(char32_t cp) { return kVowels.find(cp) != std::u32string::npos; }
bool isEnglishConsonant(char32_t cp) { return kConsonants.find(cp) != std::u32string::npos; }

bool hasPrimaryStress(const std::string& phonemes) { return phonemes.find("ˈ") != std::string::npos; }

int stressWeight(const std::string& phonemes) {
  int weight = 0;
  for (char32_t cp : decodeUtf8(phonemes)) weight += kDiphthongs.find(cp) != std::u32string::npos ? 2 : 1;
  return weight;
}

std::string applyStress(const std::string& phonemes, std::optional<double> level) {
  if (!level) return phonemes;
  const double stress = *level;
  const std::u32string s = decodeUtf8(phonemes);
  const bool primary = s.find(kPrimary) != std::u32string::npos;
  const bool secondary = s.find(kSecondary) != std::u32string::npos;
  bool vowel = false;
  for (char32_t cp : s) vowel = vowel || isEnglishVowel(cp);
  if (stress < -1) return encode(without(without(s, kPrimary), kSecondary));
  if (stress == -1 || ((stress == 0 || stress == -0.5) && primary)) {
    std::u32string out;
    for (char32_t cp : s) {
      if (cp == kSecondary) continue;
      out += cp == kPrimary ? kSecondary : cp;
    }
    return encode(out);
  }
  if ((stress == 0 || stress == 0.5 || stress == 1) && !primary && !secondary) {
    return vowel ? encode(markedBeforeVowels(s, kSecondary)) : phonemes;
  }
  if (stress >= 1 && !primary && secondary) {
    std::u32string out = s;
    for (char32_t& cp : out) if (cp == kSecondary) cp = kPrimary;
    return encode(out);
  }
  if (stress > 1 && !primary && !secondary) {
    return vowel ? encode(markedBeforeVowels(s, kPrimary)) : phonemes;
  }
  return phonemes;
}

}  // namespace kokoro
