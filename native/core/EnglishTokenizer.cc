#include "core/EnglishTokenizer.h"

#include "core/PronunciationMarkup.h"
#include "core/Vocab.h"

namespace kokoro {
namespace {

struct CodePoint {
  char32_t cp;
  size_t begin, end;
};

std::vector<CodePoint> codePoints(std::string_view s) {
  std::vector<CodePoint> out;
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
    if (i + len > s.size()) len = 1;
    char32_t cp = len == 1 ? lead : lead & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back({cp, i, i + len});
    i += len;
  }
  return out;
}

bool isSpace(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\v' || cp == '\f' || cp == 0xA0 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

bool isDigit(char32_t cp) { return cp >= '0' && cp <= '9'; }
bool isApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2018 || cp == 0x2019; }

// Punctuation that ends a word and reads as one of the model's punctuation tokens.
bool isPunctuation(char32_t cp) {
  static const std::u32string marks = U";:,.!?…—\"“”()[]{}«»–";
  return marks.find(cp) != std::u32string::npos;
}

std::string punctuationPhonemes(char32_t cp, bool opening) {
  switch (cp) {
    case '(': case '[': case '{': return "(";
    case ')': case ']': case '}': return ")";
    case '"': return opening ? "“" : "”";
    case U'«': return "“";
    case U'»': return "”";
    case U'–': return "—";
    default: return encodeUtf8(cp);
  }
}

}  // namespace

bool isUpperLetter(char32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
         (cp >= 0x100 && cp <= 0x17F && cp % 2 == 0);
}
bool isLowerLetter(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp <= 0xFF && cp != 0xF7) ||
         (cp >= 0x100 && cp <= 0x17F && cp % 2 == 1);
}
bool isLetter(char32_t cp) {
  return isUpperLetter(cp) || isLowerLetter(cp) || (cp >= 0x180 && cp <= 0x24F) || (cp >= 0x370 && cp <= 0x3FF) ||
         (cp >= 0x400 && cp <= 0x4FF);
}

bool isJunkPart(std::string_view part) {
  for (const auto& c : codePoints(part)) {
    if (!(isApostrophe(c.cp) || c.cp == '-' || c.cp == '.' || c.cp == '_' || c.cp == '/' || c.cp == ',')) return false;
  }
  return true;
}

std::vector<std::string> wordParts(std::string_view word) {
  const auto cps = codePoints(word);
  std::vector<std::string> parts;
  const auto piece = [&](size_t from, size_t to) {
    parts.emplace_back(word.substr(cps[from].begin, cps[to - 1].end - cps[from].begin));
  };
  size_t i = 0;
  while (i < cps.size() && isApostrophe(cps[i].cp)) ++i;
  if (i > 0) piece(0, i);
  size_t trailing = cps.size();
  while (trailing > i && isApostrophe(cps[trailing - 1].cp)) --trailing;
  while (i < trailing) {
    const char32_t cp = cps[i].cp;
    size_t j = i + 1;
    if (isDigit(cp) || (cp == '-' && i == 0 && i + 1 < trailing && isDigit(cps[i + 1].cp))) {
      while (j < trailing && (isDigit(cps[j].cp) ||
                              ((cps[j].cp == ',' || cps[j].cp == '.') && j + 1 < trailing && isDigit(cps[j + 1].cp)))) {
        ++j;
      }
    } else if (cp == '-' || cp == '_') {
      while (j < trailing && (cps[j].cp == '-' || cps[j].cp == '_')) ++j;
    } else if (isLetter(cp)) {
      // An upper-case letter before upper+lower starts a new part on its own (`MHz` → `M` `Hz`).
      if (isUpperLetter(cp) && j + 1 < trailing && isUpperLetter(cps[j].cp) && isLowerLetter(cps[j + 1].cp)) {
        piece(i, j);
        i = j;
        continue;
      }
      while (j < trailing) {
        if (isLetter(cps[j].cp)) {
          if (isLowerLetter(cps[j - 1].cp) && isUpperLetter(cps[j].cp)) break;
          ++j;
        } else if (isApostrophe(cps[j].cp) && j + 1 < trailing && isLetter(cps[j + 1].cp)) {
          j += 2;
        } else {
          break;
        }
      }
    }
    piece(i, j);
    i = j;
  }
  if (trailing < cps.size()) piece(trailing, cps.size());
  return parts;
}

std::vector<EnglishToken> tokenizeEnglish(std::string_view text) {
  const auto cps = codePoints(text);
  std::vector<EnglishToken> tokens;
  const auto previousIsSpace = [&](size_t k) { return k == 0 || isSpace(cps[k - 1].cp); };
  size_t k = 0;
  while (k < cps.size()) {
    const char32_t cp = cps[k].cp;
    if (isSpace(cp)) {
      if (!tokens.empty()) tokens.back().spaceAfter = true;
      ++k;
      continue;
    }
    if (cp == '[') {
      if (auto span = markupAt(text, cps[k].begin)) {
        EnglishToken token;
        token.text = std::string(text.substr(span->textBegin, span->textEnd - span->textBegin));
        token.begin = span->begin;
        token.end = span->end;
        if (span->phonemes) {
          token.kind = EnglishToken::Kind::Fixed;
          token.phonemes = *span->phonemes;
          tokens.push_back(std::move(token));
        } else {
          // Read the bracketed text as ordinary words, at their place in the input.
          for (auto inner : tokenizeEnglish(token.text)) {
            inner.begin += span->textBegin;
            inner.end += span->textBegin;
            tokens.push_back(std::move(inner));
          }
        }
        while (k < cps.size() && cps[k].begin < span->end) ++k;
        continue;
      }
    }
    // A hyphen standing alone (` - `) or doubled (`--`) is a dash.
    const bool dashLike = cp == '-' && ((previousIsSpace(k) && (k + 1 == cps.size() || isSpace(cps[k + 1].cp))) ||
                                        (k + 1 < cps.size() && cps[k + 1].cp == '-'));
    if (isPunctuation(cp) || dashLike) {
      {
        EnglishToken token;
        token.kind = EnglishToken::Kind::Punctuation;
        size_t end = k + 1;
        if (dashLike) while (end < cps.size() && cps[end].cp == '-') ++end;
        token.text = std::string(text.substr(cps[k].begin, cps[end - 1].end - cps[k].begin));
        const bool opening = previousIsSpace(k) || (k > 0 && (cps[k - 1].cp == '(' || cps[k - 1].cp == '['));
        token.phonemes = dashLike ? "—" : punctuationPhonemes(cp, opening);
        token.begin = cps[k].begin;
        token.end = cps[end - 1].end;
        tokens.push_back(std::move(token));
        k = end;
        continue;
      }
    }
    // A word: everything up to a space or punctuation (inner dots, commas and colons excepted).
    size_t end = k + 1;
    while (end < cps.size() && !isSpace(cps[end].cp) && cps[end].cp != '[') {
      const char32_t c = cps[end].cp;
      if (isPunctuation(c)) {
        const bool innerDot = (c == '.' || c == ',' || c == ':') && end + 1 < cps.size() &&
                              (c == '.' ? (isLetter(cps[end + 1].cp) || isDigit(cps[end + 1].cp))
                                        : (isDigit(cps[end - 1].cp) && isDigit(cps[end + 1].cp)));
        if (!innerDot) break;
      }
      ++end;
    }
    // An abbreviation of single letters keeps its final dot (`U.S.`, `e.g.`).
    if (end < cps.size() && cps[end].cp == '.' && end - k >= 3) {
      bool lettersAndDots = true;
      for (size_t m = k; m < end; ++m) {
        const bool dotPlace = (m - k) % 2 == 1;
        lettersAndDots = lettersAndDots && (dotPlace ? cps[m].cp == '.' : isLetter(cps[m].cp));
      }
      if (lettersAndDots) ++end;
    }
    // Quotes around a word are not part of it: a leading apostrophe followed by a word that
    // ends in another one (`'hello'`) is a quotation; the tokenizer keeps them and wordParts
    // marks them as junk.
    EnglishToken token;
    token.kind = EnglishToken::Kind::Word;
    token.begin = cps[k].begin;
    token.end = cps[end - 1].end;
    token.text = std::string(text.substr(token.begin, token.end - token.begin));
    tokens.push_back(std::move(token));
    k = end;
  }
  return tokens;
}

}  // namespace kokoro
