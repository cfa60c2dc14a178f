// Splits text into the pieces that are phonemized and synthesized one at a time: sentences
// (newlines always separate), then, for a piece whose phonemes exceed the model's 510 tokens,
// halves cut at the weakest sensible boundary. Works lazily over the text, so a whole book
// chapter costs no more than the piece in hand.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kokoro {

// A piece of the input: its text and where it lies in the input (bytes, end exclusive).
struct TextPiece {
  std::string text;
  size_t begin = 0;
  size_t end = 0;
};

class TextChunker {
 public:
  // Pieces longer than `maxPieceBytes` are cut before phonemization (at the weakest
  // boundary), bounding the work of a single phonemizer call on text without punctuation.
  explicit TextChunker(std::string text, size_t maxPieceBytes = 1000);

  // The next sentence-sized piece with surrounding whitespace trimmed, or nothing at the end.
  std::optional<TextPiece> next();

  // Cuts `piece` in two at the strongest boundary class present — sentence ends (. ! ? …),
  // then : ;, then , — –, then spaces, then (a single very long word) any character — picking
  // the candidate nearest the middle. Both halves are non-empty and rejoin to `piece`.
  // Returns nothing when the piece is a single character. `clausesOnly` considers sentence and
  // clause punctuation only (never a bare space), for cuts that must not hurt prosody.
  static std::optional<std::pair<TextPiece, TextPiece>> splitAtWeakestBoundary(const TextPiece& piece,
                                                                               bool clausesOnly = false);

  // Cuts `piece` where the head holds about `targetBytes`, never inside a word. Boundaries at or
  // before the target, strongest first: after a clause (whitespace after , ; : — – ! ? …, or a
  // CJK clause mark), after a word of four bytes or more, after any word (whitespace); the last
  // of the strongest kind that keeps at least half the target, else the last of the strongest
  // kind at all, else the first boundary after the target (a first word longer than it). Both
  // parts are non-empty; nothing when the piece is a single word.
  static std::optional<std::pair<TextPiece, TextPiece>> splitNear(const TextPiece& piece, size_t targetBytes);

 private:
  std::optional<TextPiece> nextSentence();

  std::string text_;
  size_t position_ = 0;
  size_t maxPieceBytes_;
  std::vector<TextPiece> pending_;  // pieces cut from an over-long sentence, next on top
};

// Trims ASCII and Unicode whitespace at both ends, adjusting offsets.
TextPiece trimmed(const TextPiece& piece);

}  // namespace kokoro
