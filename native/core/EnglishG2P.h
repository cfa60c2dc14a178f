// English text to Kokoro phonemes as the official front end (misaki) makes them: words looked up
// in the gold then silver lexicon of the dialect, with its capitalisation, heteronym, morphology
// (-s, -ed, -ing) and context rules (`the`/`a`/`to` before vowels, `used to`, reduced function
// words), compounds and contractions; espeak-ng only for words still unknown. Punctuation the
// model knows is kept as its tokens. Stateless after construction: safe on any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/EnglishLexicon.h"
#include "core/EnglishTokenizer.h"
#include "core/PhonemizedText.h"

namespace kokoro {

// Words the user pronounces their own way: exact spelling first, then lower case.
using UserLexicon = std::unordered_map<std::string, std::string>;

struct EnglishRequest {
  const UserLexicon* userLexicon = nullptr;
  // Heteronyms (`read`, `record`, `live`…): pick the variant from the neighbouring words (true)
  // or always the lexicon's DEFAULT (false; for measurement).
  bool guessPartOfSpeech = true;
};

class EnglishG2P {
 public:
  EnglishG2P(std::shared_ptr<const EnglishLexicon> lexicon, bool british);

  std::string phonemize(std::string_view text, const EnglishRequest& request = {}) const;
  // The same phonemes, with the byte range of `text` each phoneme word was read from.
  PhonemizedText phonemizeWithSources(std::string_view text, const EnglishRequest& request = {}) const;

  bool british() const { return british_; }

 private:
  struct Context {
    std::optional<bool> futureVowel;  // does the next word start with a vowel? nothing: a pause follows
    bool futureTo = false;            // is the next word `to`?
  };
  struct Neighbours {
    std::string previous, beforePrevious, next;  // lower-cased neighbouring words ("" when none)
    bool nextIsWord = false;
    bool nextAllCaps = false, previousAllCaps = false;
    bool partOfSpeech = true;
  };

  std::string wordPhonemes(const std::vector<EnglishToken>& tokens, size_t index, Context& context,
                           const EnglishRequest& request) const;
  std::optional<std::string> lexiconWord(std::string word, const Neighbours& near, const Context& context) const;
  std::optional<std::string> getWord(std::string word, const std::string& tag, std::optional<double> stress,
                                     const Neighbours& near, const Context& context) const;
  std::optional<std::string> specialCase(const std::string& word, const std::string& tag, std::optional<double> stress,
                                         const Neighbours& near, const Context& context) const;
  std::optional<std::string> lookup(std::string word, const std::string& tag, std::optional<double> stress,
                                    const Neighbours& near, const Context& context) const;
  std::optional<std::string> spelledOut(std::string_view word) const;
  bool isKnown(const std::string& word) const;
  std::optional<std::string> stemS(const std::string& word, const std::string& tag, std::optional<double> stress,
                                   const Neighbours& near, const Context& context) const;
  std::optional<std::string> stemEd(const std::string& word, const std::string& tag, std::optional<double> stress,
                                    const Neighbours& near, const Context& context) const;
  std::optional<std::string> stemIng(const std::string& word, const std::string& tag, std::optional<double> stress,
                                     const Neighbours& near, const Context& context) const;
  // An -ing form the lexicon lacks, whose stem it has: espeak-ng's reading of the whole word when
  // it has the same sounds as stem + ɪŋ up to stress, the spelling of reduced vowels and the
  // reduction of an unstressed vowel (soundsAlike), else stem + ɪŋ. The lexicon's machine-made tier, the long tail that words
  // outside both tiers resemble, is espeak's whole-word reading, and Kokoro heard those readings
  // for those words; on held-out forms this raises agreement over both tiers (American 85.7 ->
  // 92.2 %, British 91.6 -> 94.0 % on the study pool) though it lowers it on hand-written forms
  // (BENCHMARKS.md, "English front end"). Only -ing: for -s and -ed it lowers both.
  std::optional<std::string> stemIngOrWholeWord(const std::string& word, const std::string& tag,
                                                std::optional<double> stress, const Neighbours& near,
                                                const Context& context) const;
  std::string goldPhonemes(std::string_view word, std::string_view tag = "DEFAULT") const;
  std::string fallback(const std::string& word) const;
  static Context contextBefore(const Context& after, const std::string& phonemes, std::string_view text);

  std::shared_ptr<const EnglishLexicon> lexicon_;
  bool british_;
};

}  // namespace kokoro
