// Text to Kokoro phonemes through libespeak-ng, for the languages espeak serves well: a, b, e,
// f, h, i, p. espeak-ng keeps global state and is not thread-safe: one process-wide instance,
// every call serialised by one mutex (voice selection and phonemization together).
#pragma once

#include <mutex>
#include <string>

namespace kokoro {

enum class EspeakLanguage { AmericanEnglish, BritishEnglish, Spanish, French, Hindi, Italian, BrazilianPortuguese };

// Kokoro language code ('a', 'b', 'e', 'f', 'h', 'i', 'p') to espeak language; throws
// KokoroError(kUnsupportedLanguage) for others.
EspeakLanguage espeakLanguageFromCode(char code);

class EspeakPhonemizer {
 public:
  // The process-wide instance. espeak-ng starts on the first phonemize(), which throws
  // KokoroError(kPhonemizerUnavailable) naming the data folder when it cannot.
  static EspeakPhonemizer& shared();

  // Kokoro phonemes of `utf8Text`: espeak IPA mapped to the symbols the v1.0 model was trained
  // on (see IpaMapping), punctuation restored. Symbols outside the model's vocab may remain;
  // the model drops them.
  std::string phonemize(const std::string& utf8Text, EspeakLanguage language);

  // Empty until the first phonemize() started espeak-ng.
  std::string version() const { return version_; }

 private:
  EspeakPhonemizer() = default;
  void ensureStarted();
  void selectVoice(EspeakLanguage language);
  std::string rawPhonemes(const std::string& utf8Text);

  std::mutex mutex_;
  std::string version_;
  bool hasVoice_ = false;
  EspeakLanguage current_ = EspeakLanguage::AmericanEnglish;
};

}  // namespace kokoro
