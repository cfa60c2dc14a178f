// Splits English text into the units the G2P reads: words (with their inner apostrophes,
// hyphens and digits), punctuation the model speaks as pauses and intonation (kept as Kokoro's
// tokens: `;:,.!?—…“”()`), and spans whose phonemes the user gave with inline markup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kokoro {

struct EnglishToken {
  enum class Kind { Word, Punctuation, Fixed };
  Kind kind = Kind::Word;
  std::string text;      // as written (for Fixed: the bracketed text)
  std::string phonemes;  // Punctuation and Fixed tokens: what they read as
  bool spaceAfter = false;
  size_t begin = 0, end = 0;  // bytes of the input
};

std::vector<EnglishToken> tokenizeEnglish(std::string_view text);

// The parts of one word the lexicon is tried on, as the official front end cuts them: leading
// and trailing apostrophes, runs of letters (split where a lower-case letter meets an upper-case
// one: `iPhone` → `i` `Phone`), numbers, runs of `-`/`_`, and single other characters.
std::vector<std::string> wordParts(std::string_view word);

// Parts that read as nothing inside a word: apostrophes, hyphens, dots, slashes, `_`, `,`.
bool isJunkPart(std::string_view part);

// Letters as the tokenizer sees them (ASCII and Latin letters beyond ASCII).
bool isLetter(char32_t cp);
bool isUpperLetter(char32_t cp);
bool isLowerLetter(char32_t cp);

}  // namespace kokoro
