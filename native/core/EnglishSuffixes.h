// Inflected forms (-s, -ed, -ing) of a stem the lexicon knows, from the stem's phonemes: the
// official front end's voicing and vowel rules (the American flap, no British -ing after a final
// ə or ː), and for -ing what adding a syllable does to the end of the stem: a syllabic n (and a
// British syllabic l) stops being syllabic, an American full ə l spelled consonant + le becomes
// syllabic, a British centring diphthong links with r, and a British full vowel two syllables
// after the main stress takes a secondary stress. How the -ing rules were found and what they
// gain: BENCHMARKS.md, "English front end".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kokoro {

std::string sForm(const std::string& stemPhonemes, bool british);
std::string edForm(const std::string& stemPhonemes, bool british);

// Whether the spelling before -ing (`base`, the word without "ing") points to a stem with a silent
// e when the lexicon has both: a single vowel letter and consonant (hoping, griping, making: a
// bare stem would double the consonant); a c or an r/l + g read soft before i (farcing, surging);
// th or a single s after which -ing attaches to the verb in -the or -se rather than to the noun
// or plural (bathing, loathing; parsing, loosing, cleansing).
bool ingBaseWantsSilentE(std::string_view base);

// Phonemes of `word` (spelled stem + ing, possibly with a dropped e or doubled consonant) from
// the stem's phonemes; nothing when the rules have no answer (the caller falls back to espeak).
std::optional<std::string> ingForm(const std::string& stemPhonemes, std::string_view stemSpelling,
                                   std::string_view word, bool british);

// Whether two readings have the same sounds once stress marks are dropped, the reduced vowels
// (ᵻ ɪ ə ʊ ʌ and syllabic ᵊ) are taken as one, an unstressed i or ɛ is taken as reducible, and n
// and ŋ before k or ɡ as one: how an -ing form built from the stem is compared with espeak-ng's
// reading of the whole word (EnglishG2P::stemIngOrWholeWord).
bool soundsAlike(const std::string& a, const std::string& b);

}  // namespace kokoro
