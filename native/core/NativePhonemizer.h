// The phonemizers that run natively, on whichever thread calls them (a stream's producer or
// the addon's thread pool): English through the lexicon G2P, the other espeak languages
// through espeak-ng.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/EnglishG2P.h"
#include "core/PhonemizedText.h"
#include "core/TextNormalizer.h"

namespace kokoro {

// Settings of the English front end for one request.
struct EnglishSettings {
  std::string lexiconPath;                        // data/lexicon/en-us.lexicon or en-gb.lexicon
  std::shared_ptr<const UserLexicon> userLexicon;  // may be null
  bool normalize = true;                          // text normalization before the G2P
  NormalizationOptions normalization;
  bool guessPartOfSpeech = true;
};

// The phonemizer of language `code` ('a', 'b', 'e', 'f', 'h', 'i', 'p'). English ('a', 'b') uses
// the lexicon G2P when `english` is given (the lexicon loads on the first call, once per
// process), espeak-ng otherwise; only the English G2P reports word sources. Throws
// KokoroError(kUnsupportedLanguage) for other codes.
PhonemizeFn nativePhonemizer(char code, const std::optional<EnglishSettings>& english);

}  // namespace kokoro
