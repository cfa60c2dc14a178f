#include "core/TextChunker.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/Abbreviations.h"
#include "core/Utf8.h"
#include "core/Vocab.h"

namespace kokoro {
namespace {

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }


bool isSpace(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\v' || cp == '\f' || cp == 0x85 ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool isSentenceEnd(char32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 /* … */ || cp == 0x3002 /* 。 */ ||
         cp == 0xFF01 /* ！ */ || cp == 0xFF1F /* ？ */ || cp == 0xFF0E || cp == 0x0964 /* । */;
}

bool isClosing(char32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D || cp == 0x2019 || cp == 0x300D ||
         cp == 0x300F || cp == 0xFF09;
}

// Boundary classes, strongest first; a cut goes after the character.
int boundaryClass(char32_t cp) {
  if (isSentenceEnd(cp)) return 0;
  if (cp == ':' || cp == ';' || cp == 0xFF1A || cp == 0xFF1B) return 1;
  if (cp == ',' || cp == 0x2014 /* — */ || cp == 0x2013 /* – */ || cp == 0xFF0C || cp == 0x3001) return 2;
  if (isSpace(cp)) return 3;
  return 4;
}

// Punctuation after which a short chunk may end with its prosody intact. A full stop inside a
// sentence is an abbreviation or a decimal point ("Dr. Smith", "3.5"), so it does not count.
bool endsClause(char32_t cp) { return cp != '.' && boundaryClass(cp) <= 2; }

bool isCjkClauseMark(char32_t cp) { return cp >= 0x3000 && boundaryClass(cp) <= 2; }

}  // namespace

TextPiece trimmed(const TextPiece& piece) {
  size_t begin = 0;
  size_t end = piece.text.size();
  while (begin < end) {
    auto [cp, len] = codePointAt(piece.text, begin);
    if (!isSpace(cp)) break;
    begin += len;
  }
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && isContinuationByte(piece.text[start])) --start;
    if (!isSpace(codePointAt(piece.text, start).first)) break;
    end = start;
  }
  return {piece.text.substr(begin, end - begin), piece.begin + begin, piece.begin + end};
}

TextChunker::TextChunker(std::string text, size_t maxPieceBytes)
    : text_(std::move(text)), maxPieceBytes_(maxPieceBytes) {}

std::optional<TextPiece> TextChunker::next() {
  while (true) {
    if (pending_.empty()) {
      auto sentence = nextSentence();
      if (!sentence) return std::nullopt;
      pending_.push_back(std::move(*sentence));
    }
    TextPiece piece = trimmed(pending_.back());
    pending_.pop_back();
    if (piece.text.empty()) continue;
    if (piece.text.size() > maxPieceBytes_) {
      if (auto halves = splitAtWeakestBoundary(piece)) {
        // A stack: the head is taken next, the tail after it.
        pending_.push_back(std::move(halves->second));
        pending_.push_back(std::move(halves->first));
        continue;
      }
    }
    return piece;
  }
}

std::optional<TextPiece> TextChunker::nextSentence() {
  if (position_ >= text_.size()) return std::nullopt;
  const size_t start = position_;
  size_t i = start;
  size_t cut = text_.size();
  while (i < text_.size()) {
    auto [cp, len] = codePointAt(text_, i);
    if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
      cut = i + len;
      break;
    }
    if (isSentenceEnd(cp)) {
      size_t after = i + len;
      // Runs like "?!" or "..." and closing quotes belong to the sentence.
      while (after < text_.size()) {
        auto [next, nextLen] = codePointAt(text_, after);
        if (!isSentenceEnd(next) && !isClosing(next)) break;
        after += nextLen;
      }
      const bool atEnd = after >= text_.size();
      const bool cjk = cp >= 0x3000 || cp == 0x0964;
      const bool spaceFollows = !atEnd && isSpace(codePointAt(text_, after).first);
      // "Dr. Smith", "e.g. this", "at 5 p.m. today": the full stop of an abbreviation that
      // leaves the sentence open is no cut.
      if (atEnd || cjk || (spaceFollows && !(cp == '.' && Abbreviations::keepsSentenceOpen(text_, i)))) {
        cut = after;
        break;
      }
      i = after;
      continue;
    }
    i += len;
  }
  position_ = cut;
  return TextPiece{text_.substr(start, cut - start), start, cut};
}

std::optional<std::pair<TextPiece, TextPiece>> TextChunker::splitAtWeakestBoundary(const TextPiece& piece,
                                                                                   bool clausesOnly) {
  const std::string& s = piece.text;
  // Cut positions (byte offsets after a boundary character) per class, excluding the ends.
  std::array<std::vector<size_t>, 5> cuts;
  size_t i = 0;
  while (i < s.size()) {
    auto [cp, len] = codePointAt(s, i);
    const size_t after = i + len;
    if (after < s.size()) cuts[boundaryClass(cp)].push_back(cp == ' ' ? i : after);
    i = after;
  }
  const size_t middle = s.size() / 2;
  const size_t classes = clausesOnly ? 3 : cuts.size();
  for (size_t cls = 0; cls < classes; ++cls) {
    const auto& candidates = cuts[cls];
    size_t best = 0;
    bool found = false;
    for (size_t c : candidates) {
      if (c == 0 || c >= s.size()) continue;
      const auto distance = [middle](size_t x) { return x > middle ? x - middle : middle - x; };
      if (!found || distance(c) < distance(best)) {
        best = c;
        found = true;
      }
    }
    if (found) {
      TextPiece head{s.substr(0, best), piece.begin, piece.begin + best};
      TextPiece tail{s.substr(best), piece.begin + best, piece.end};
      return std::make_pair(std::move(head), std::move(tail));
    }
  }
  return std::nullopt;
}

std::optional<std::pair<TextPiece, TextPiece>> TextChunker::splitNear(const TextPiece& piece, size_t targetBytes) {
  const std::string& s = piece.text;
  // Boundaries at or before the target by strength: after a clause, after a word of four bytes
  // or more, after any word (ending a chunk on "a" or "the" sounds worst).
  enum Strength { kClause, kLongWord, kWord, kStrengths };
  std::array<size_t, kStrengths> last{};     // the last boundary of each strength within the target
  std::array<size_t, kStrengths> lastHalf{}; // ... that also keeps at least half the target
  size_t firstAfter = 0;
  size_t wordStart = 0;
  char32_t previous = ' ';
  size_t i = 0;
  while (i < s.size() && firstAfter == 0) {
    auto [cp, len] = codePointAt(s, i);
    // A cut goes at the start of a run of whitespace, or right after a CJK clause mark (CJK
    // text has no spaces); never at the very start or end.
    size_t cut = 0;
    Strength strength = kWord;
    if (isSpace(cp) && !isSpace(previous)) {
      cut = i;
      strength = endsClause(previous) ? kClause : i - wordStart >= 4 ? kLongWord : kWord;
    } else if (isCjkClauseMark(cp) && i + len < s.size()) {
      cut = i + len;
      strength = kClause;
    }
    if (isSpace(previous) && !isSpace(cp)) wordStart = i;
    if (cut > 0 && cut < s.size()) {
      if (cut > targetBytes) {
        firstAfter = cut;
      } else {
        for (int weaker = strength; weaker < kStrengths; ++weaker) {
          last[weaker] = cut;
          if (2 * cut >= targetBytes) lastHalf[weaker] = cut;
        }
      }
    }
    previous = cp;
    i += len;
  }
  size_t cut = firstAfter;
  for (const auto& tier : {lastHalf, last}) {
    const auto found = std::find_if(tier.begin(), tier.end(), [](size_t c) { return c > 0; });
    if (found != tier.end()) {
      cut = *found;
      break;
    }
  }
  if (cut == 0) return std::nullopt;
  TextPiece head{s.substr(0, cut), piece.begin, piece.begin + cut};
  TextPiece tail{s.substr(cut), piece.begin + cut, piece.end};
  return std::make_pair(std::move(head), std::move(tail));
}

}  // namespace kokoro
