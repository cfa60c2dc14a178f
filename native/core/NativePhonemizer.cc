#include "core/NativePhonemizer.h"

#include "core/EspeakPhonemizer.h"

namespace kokoro {

TextPhonemizer nativePhonemizer(char code, const std::optional<EnglishSettings>& english) {
  const EspeakLanguage language = espeakLanguageFromCode(code);
  const bool isEnglish = language == EspeakLanguage::AmericanEnglish || language == EspeakLanguage::BritishEnglish;
  if (isEnglish && english) {
    const bool british = language == EspeakLanguage::BritishEnglish;
    return [settings = *english, british](const std::string& text) {
      const EnglishG2P g2p(EnglishLexicon::shared(settings.lexiconPath), british);
      EnglishRequest request;
      request.userLexicon = settings.userLexicon.get();
      request.guessPartOfSpeech = settings.guessPartOfSpeech;
      if (!settings.normalize) return g2p.phonemize(text, request);
      return g2p.phonemize(TextNormalizer().normalize(text, settings.normalization, british).text, request);
    };
  }
  return [language](const std::string& text) { return EspeakPhonemizer::shared().phonemize(text, language); };
}

}  // namespace kokoro
