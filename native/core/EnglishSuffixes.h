// Inflected forms (-s, -ed, -ing) of a stem the lexicon knows, from the stem's phonemes: the
// official front end's voicing and vowel rules (the American flap, no British -ing after a final
// ə), and where misaki's hand-written lexicon shows a convention: for -ing, an American syllabic
// n and a British syllabic l stop being syllabic, and a British centring diphthong or long vowel
// links with r where the spelling has one; before British -s/-ed a final i becomes ɪ, and before
// -ed a syllabic l closes; un- keeps its n (American: with a secondary stress). How the rules were
// found and what they gain: BENCHMARKS.md, "English front end".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kokoro {

// The stem's phonemes as an inflected form starts them. A stem spelled un- read with an
// unstressed ʌŋ (the machine-made readings assimilate before k, ɡ) keeps ʌn, as the hand-written
// lexicons do (339 of 340 British, every American such word); in American the unstressed ʌn
// takes the secondary stress the hand-written lexicon gives un- (unblushing ˌʌnblˈʌʃɪŋ; 2,204 of
// its 2,401 un- words).
std::string inflectedStem(const std::string& stemPhonemes, std::string_view stemSpelling, bool british);

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

}  // namespace kokoro
