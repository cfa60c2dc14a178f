#include "core/EspeakPhonemizer.h"

#include <espeak-ng/speak_lib.h>

#include <cstring>
#include <regex>

#include "core/Error.h"
#include "core/IpaMapping.h"
#include "core/Vocab.h"

namespace kokoro {
namespace {

// IPA output, multi-letter phonemes tied with '^' (so that "t^ʃ" can become "ʧ").
constexpr int kPhonemeMode = 0x02 | 0x80 | ('^' << 8);

const char* espeakCode(EspeakLanguage language) {
  switch (language) {
    case EspeakLanguage::AmericanEnglish: return "en-us";
    case EspeakLanguage::BritishEnglish: return "en-gb";
    case EspeakLanguage::Spanish: return "es";
    case EspeakLanguage::French: return "fr-fr";
    case EspeakLanguage::Hindi: return "hi";
    case EspeakLanguage::Italian: return "it";
    case EspeakLanguage::BrazilianPortuguese: return "pt-br";
  }
  return "en-us";
}

// Languages of a voice: a list of (priority byte, NUL-terminated name), ended by a 0 byte.
bool voiceSpeaks(const espeak_VOICE* voice, const std::string& code) {
  const char* p = voice->languages;
  while (p != nullptr && *p != 0) {
    const char* name = p + 1;
    if (code == name) return true;
    p = name + std::strlen(name) + 1;
  }
  return false;
}

bool isPunctuation(char32_t cp) {
  static const std::u32string marks = U";:,.!?—…\"()“”¡¿«»\u0964";
  return marks.find(cp) != std::u32string::npos;
}

}  // namespace

EspeakLanguage espeakLanguageFromCode(char code) {
  switch (code) {
    case 'a': return EspeakLanguage::AmericanEnglish;
    case 'b': return EspeakLanguage::BritishEnglish;
    case 'e': return EspeakLanguage::Spanish;
    case 'f': return EspeakLanguage::French;
    case 'h': return EspeakLanguage::Hindi;
    case 'i': return EspeakLanguage::Italian;
    case 'p': return EspeakLanguage::BrazilianPortuguese;
    default:
      throw KokoroError(codes::kUnsupportedLanguage, std::string("language '") + code +
                                                         "' is not served by espeak-ng (valid: a, b, e, f, h, i, p)");
  }
}

EspeakPhonemizer& EspeakPhonemizer::shared() {
  static EspeakPhonemizer instance;
  return instance;
}

void EspeakPhonemizer::ensureStarted() {
  // A failed start is not remembered: the next call tries again (e.g. after installing data).
  if (!version_.empty()) return;
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    throw KokoroError(codes::kPhonemizerUnavailable,
                      "espeak-ng could not start: its data was not found (looked in the default data folder, e.g. "
                      "/usr/lib/x86_64-linux-gnu/espeak-ng-data; ESPEAK_DATA_PATH overrides it). On Debian/Ubuntu: "
                      "sudo apt-get install espeak-ng-data");
  }
  const char* path = nullptr;
  version_ = espeak_Info(&path);
}

void EspeakPhonemizer::selectVoice(EspeakLanguage language) {
  if (hasVoice_ && current_ == language) return;
  const std::string code = espeakCode(language);
  const espeak_VOICE** voices = espeak_ListVoices(nullptr);
  const espeak_VOICE* match = nullptr;
  for (size_t i = 0; voices != nullptr && voices[i] != nullptr && match == nullptr; ++i) {
    if (voiceSpeaks(voices[i], code)) match = voices[i];
  }
  if (match == nullptr || espeak_SetVoiceByName(match->identifier) != EE_OK) {
    hasVoice_ = false;
    throw KokoroError(codes::kPhonemizerUnavailable,
                      "espeak-ng has no usable voice for '" + code + "' (espeak-ng " + version_ +
                          "). Install the full data: sudo apt-get install espeak-ng-data");
  }
  hasVoice_ = true;
  current_ = language;
}

std::string EspeakPhonemizer::rawPhonemes(const std::string& text) {
  // espeak returns one clause per call and drops the punctuation that ended it: put it back
  // from the text it consumed.
  std::string out;
  const char* cursor = text.c_str();
  const void* position = cursor;
  while (position != nullptr && *static_cast<const char*>(position) != 0) {
    const char* before = static_cast<const char*>(position);
    const char* phonemes = espeak_TextToPhonemes(&position, espeakCHARS_UTF8, kPhonemeMode);
    const char* after = position != nullptr ? static_cast<const char*>(position) : text.c_str() + text.size();
    std::string clause = phonemes != nullptr ? phonemes : "";
    std::u32string consumed = decodeUtf8(std::string(before, after));
    // espeak's pointer runs one character into the next clause (it still reads that character
    // as part of the next clause): leave it out when looking for this clause's punctuation.
    if (position != nullptr && *static_cast<const char*>(position) != 0 && !consumed.empty()) consumed.pop_back();
    std::u32string punctuation;
    while (!consumed.empty() && (consumed.back() == ' ' || consumed.back() == '\n' || consumed.back() == '\t')) {
      consumed.pop_back();
    }
    while (!consumed.empty() && isPunctuation(consumed.back())) {
      punctuation.insert(punctuation.begin(), consumed.back());
      consumed.pop_back();
    }
    // Trim espeak's own spacing, then join clauses with single spaces.
    const size_t first = clause.find_first_not_of(" \n");
    const size_t last = clause.find_last_not_of(" \n");
    clause = first == std::string::npos ? "" : clause.substr(first, last - first + 1);
    std::string marks;
    // The Devanagari danda ends a sentence like a full stop (the vocab has no danda).
    for (char32_t cp : punctuation) marks += encodeUtf8(cp == 0x0964 ? U'.' : cp);
    if (clause.empty() && marks.empty()) continue;
    if (!out.empty()) out += ' ';
    out += clause + marks;
  }
  return out;
}

std::string EspeakPhonemizer::phonemize(const std::string& text, EspeakLanguage language) {
  std::string ipa;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ensureStarted();
    selectVoice(language);
    ipa = rawPhonemes(text);
  }
  // A word read in another language comes wrapped in switch markers like "(en)...(hi)".
  static const std::regex languageSwitch("\\([\\^a-z]{2,8}(-[\\^a-z0-9]+)?\\)");
  ipa = std::regex_replace(ipa, languageSwitch, "");
  std::string mapped = mapEspeakIpa(ipa, language);
  // Collapse runs of spaces left by removed markers.
  std::string tidy;
  for (char c : mapped) {
    if (c == '\n') c = ' ';
    if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
    tidy += c;
  }
  while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
  return tidy;
}

}  // namespace kokoro
