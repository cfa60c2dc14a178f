// espeak-ng's IPA (ties written '^') to the phoneme symbols of Kokoro v1.0, per language. The
// tables are data, kept in IpaMapping.cc; they follow the official front end's espeak rules
// (misaki: EspeakFallback for English, EspeakG2P for the others).
#pragma once

#include <string>

#include "core/EspeakPhonemizer.h"

namespace kokoro {

std::string mapEspeakIpa(const std::string& ipa, EspeakLanguage language);

}  // namespace kokoro
