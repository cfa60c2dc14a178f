// The text handed to espeak-ng, made safe for it. espeak-ng 1.51 (Debian 12) reads an
// uninitialised stack buffer when it names pictographs and symbols that touch other characters
// (its emoji/symbol lookup copies a name without its terminator; espeak-ng issue #308): with the
// Hindi voice a run like "😀🎉👍🏽" reads garbage and can crash the process. A pictograph or
// symbol standing alone between spaces is named without that read.
//
// espeak-ng 1.51 also frees memory it still reads (heap-use-after-free, every voice): a word in
// a script it has a language for (Greek, Devanagari, Bengali, Gurmukhi, Gujarati, Tamil,
// Kannada, Malayalam, Sinhala, Georgian, Hangul) is read by a second translator for that
// language; on a character that language has no rule for and that is not a letter (e.g. the
// archaic jamo U+11F4 alone), LookupLetter asks whether English knows it by switching the
// second translator to English, which deletes the translator its callers are still reading with
// (TranslateRules -> LookupLetter -> SetTranslator2 -> DeleteTranslator; espeak-ng 1.52 asks a
// third translator instead). Those characters never reach espeak.
#pragma once

#include <string>

namespace kokoro {

// `utf8Text` with the emoji presentation controls espeak has no name for removed (zero-width
// joiner, variation selectors, keycap, skin-tone modifiers, tag characters) and every
// pictograph/symbol (a flag: its pair of regional indicators) set apart from its neighbours by spaces;
// the digits of those scripts but Devanagari as ASCII digits (the number read in the voice's
// language) and their characters no rule reads as spaces. Other letters, digits, punctuation and currency
// signs are unchanged.
std::string espeakSafeText(const std::string& utf8Text);

}  // namespace kokoro
