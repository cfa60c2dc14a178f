#include "core/NativePhonemizer.h"

#include <algorithm>

#include "core/EspeakPhonemizer.h"

namespace kokoro {

PhonemizeFn nativePhonemizer(char code, const std::optional<EnglishSettings>& english) {
  const EspeakLanguage language = espeakLanguageFromCode(code);
  const bool isEnglish = language == EspeakLanguage::AmericanEnglish || language == EspeakLanguage::BritishEnglish;
  if (isEnglish && english) {
    const bool british = language == EspeakLanguage::BritishEnglish;
    return [settings = *english, british](const std::string& text) {
      const EnglishG2P g2p(EnglishLexicon::shared(settings.lexiconPath), british);
      EnglishRequest request;
      request.userLexicon = settings.userLexicon.get();
      request.guessPartOfSpeech = settings.guessPartOfSpeech;
      if (!settings.normalize) return g2p.phonemizeWithSources(text, request);
      const NormalizedText normalized = TextNormalizer().normalize(text, settings.normalization, british);
      PhonemizedText result = g2p.phonemizeWithSources(normalized.text, request);
      // Back to the bytes of the input. A word inside an expansion ("five" of "$5") ends where
      // its written token starts: it then stands for the whole token, up to where the output
      // moves past it (the normalizer's offsets never decrease).
      const auto& offsets = normalized.sourceOffset;
      for (auto& [begin, end] : result.wordSources) {
        size_t after = end;
        while (after + 1 < offsets.size() && offsets[after] <= offsets[begin]) ++after;
        begin = offsets[begin];
        end = std::max(begin, offsets[after]);
      }
      return result;
    };
  }
  return [language](const std::string& text) {
    return PhonemizedText{EspeakPhonemizer::shared().phonemize(text, language), {}};
  };
}

}  // namespace kokoro
