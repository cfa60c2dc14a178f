#include "core/EspeakPhonemizer.h"

#include <espeak-ng/speak_lib.h>

#include <cctype>
#include <cstring>
#include <regex>

#include "core/EspeakInput.h"
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

bool isClosingMark(char32_t cp) {
  return cp == U'"' || cp == U'”' || cp == U'»' || cp == U')';
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
  // espeak returns one clause per call and drops the punctuation around it: put back the marks
  // that open and close each clause, taken from the text it consumed.
  std::string out;
  const void* position = text.c_str();
  size_t clauseStart = 0;  // byte offset where the current clause's text begins
  while (position != nullptr && *static_cast<const char*>(position) != 0) {
    const char* phonemes = espeak_TextToPhonemes(&position, espeakCHARS_UTF8, kPhonemeMode);
    const bool atEnd = position == nullptr || *static_cast<const char*>(position) == 0;
    size_t clauseEnd = atEnd ? text.size() : static_cast<size_t>(static_cast<const char*>(position) - text.c_str());
    // espeak's pointer runs one character into the next clause (which still reads it): that
    // character belongs to the next clause's text.
    if (!atEnd) {
      do {
        --clauseEnd;
      } while (clauseEnd > clauseStart && (static_cast<unsigned char>(text[clauseEnd]) & 0xC0) == 0x80);
    }
    const std::u32string clauseText = decodeUtf8(text.substr(clauseStart, clauseEnd - clauseStart));
    clauseStart = clauseEnd;

    size_t first = 0;
    while (first < clauseText.size() && std::isspace(static_cast<int>(clauseText[first] < 128 ? clauseText[first] : 'x'))) ++first;
    size_t last = clauseText.size();
    while (last > first && clauseText[last - 1] < 128 && std::isspace(static_cast<int>(clauseText[last - 1]))) --last;
    std::string opening, closing;
    size_t open = first;
    // A closing mark right after the previous clause's end (`"yes." Then`) belongs to it.
    while (open < last && isClosingMark(clauseText[open]) && open + 1 < clauseText.size() && clauseText[open + 1] == ' ') {
      out += encodeUtf8(clauseText[open++]);
      while (open < last && clauseText[open] == ' ') ++open;
    }
    while (open < last && isPunctuation(clauseText[open])) opening += encodeUtf8(clauseText[open++]);
    size_t close = last;
    while (close > open && isPunctuation(clauseText[close - 1])) --close;
    // The Devanagari danda ends a sentence like a full stop (the vocab has no danda).
    for (size_t i = close; i < last; ++i) closing += encodeUtf8(clauseText[i] == 0x0964 ? U'.' : clauseText[i]);

    std::string clause = phonemes != nullptr ? phonemes : "";
    const size_t begin = clause.find_first_not_of(" \n");
    const size_t end = clause.find_last_not_of(" \n");
    clause = begin == std::string::npos ? "" : clause.substr(begin, end - begin + 1);
    if (clause.empty() && opening.empty() && closing.empty()) continue;
    if (!out.empty()) out += ' ';
    out += opening + clause + closing;
  }
  return out;
}

std::string EspeakPhonemizer::phonemize(const std::string& text, EspeakLanguage language) {
  std::string ipa;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ensureStarted();
    selectVoice(language);
    ipa = rawPhonemes(espeakSafeText(text));
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
