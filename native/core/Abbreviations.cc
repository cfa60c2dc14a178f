#include "core/Abbreviations.h"

#include <array>

namespace kokoro {
namespace {

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool isWordByte(char c) { return isAlpha(c) || isDigit(c) || static_cast<unsigned char>(c) >= 0x80; }

enum class Kind {
  Title,         // before a name: never ends a sentence
  Trailing,      // may end a sentence: it does when a capital or the end of the text follows
  Inline,        // inside a sentence: never ends one
  BeforeNumber,  // only before a number ("No. 5")
};

struct Entry {
  std::string_view written;
  std::string_view spoken;
  Kind kind;
  bool needsDot;  // without its full stop it is an ordinary word
};

// St and Dr are decided by context (see read()).
constexpr std::array<Entry, 38> kEntries = {{
    {"Mr", "Mister", Kind::Title, false},          {"Mrs", "Missus", Kind::Title, false},
    {"Ms", "Miz", Kind::Title, false},             {"Prof", "Professor", Kind::Title, true},
    {"Mt", "Mount", Kind::Title, true},            {"Capt", "Captain", Kind::Title, true},
    {"Lt", "Lieutenant", Kind::Title, true},       {"Col", "Colonel", Kind::Title, true},
    {"Sgt", "Sergeant", Kind::Title, true},        {"Rev", "Reverend", Kind::Title, true},
    {"Hon", "Honorable", Kind::Title, true},       {"Gov", "Governor", Kind::Title, true},
    {"Sen", "Senator", Kind::Title, true},         {"Rep", "Representative", Kind::Title, true},
    {"Pres", "President", Kind::Title, true},      {"Fr", "Father", Kind::Title, true},
    {"Gen", "General", Kind::Title, true},         {"Jr", "Junior", Kind::Trailing, true},
    {"Sr", "Senior", Kind::Trailing, true},        {"Ave", "Avenue", Kind::Trailing, true},
    {"Rd", "Road", Kind::Trailing, true},          {"Blvd", "Boulevard", Kind::Trailing, true},
    {"Ln", "Lane", Kind::Trailing, true},          {"Inc", "Incorporated", Kind::Trailing, true},
    {"Ltd", "Limited", Kind::Trailing, true},      {"Corp", "Corporation", Kind::Trailing, true},
    {"Dept", "Department", Kind::Trailing, true},  {"etc", "et cetera", Kind::Trailing, false},
    {"approx", "approximately", Kind::Trailing, true}, {"vs", "versus", Kind::Inline, false},
    {"cf", "compare", Kind::Inline, true},         {"No", "number", Kind::BeforeNumber, true},
    {"no", "number", Kind::BeforeNumber, true},    {"Nos", "numbers", Kind::BeforeNumber, true},
    {"Fig", "figure", Kind::BeforeNumber, true},   {"fig", "figure", Kind::BeforeNumber, true},
    {"Vol", "volume", Kind::BeforeNumber, true},   {"Ch", "chapter", Kind::BeforeNumber, true},
}};

struct DottedEntry {
  std::string_view written;
  std::string_view spoken;
  Kind kind;
};
constexpr std::array<DottedEntry, 6> kDotted = {{{"e.g.", "for example", Kind::Inline},
                                                 {"i.e.", "that is", Kind::Inline},
                                                 {"a.m.", "A M", Kind::Trailing},
                                                 {"p.m.", "P M", Kind::Trailing},
                                                 {"A.M.", "A M", Kind::Trailing},
                                                 {"P.M.", "P M", Kind::Trailing}}};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = isUpper(a[i]) ? static_cast<char>(a[i] + 32) : a[i];
    const char y = isUpper(b[i]) ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// The first character after the blanks (and closing quotes) that follow `pos`, or 0 at the
// end; `newline` tells whether a line break came first.
char nextVisible(std::string_view text, size_t pos, bool* newline = nullptr) {
  if (newline) *newline = false;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '\n') {
      if (newline) *newline = true;
    } else if (!isBlank(c) && c != '"' && c != '\'' && c != ')') {
      return c;
    }
    ++pos;
  }
  return '\0';
}

// Whether a sentence may end at a full stop whose following text starts at `pos`.
bool sentenceMayEndBefore(std::string_view text, size_t pos) {
  bool newline = false;
  const char next = nextVisible(text, pos, &newline);
  return newline || next == '\0' || isUpper(next);
}

// The word (letters only) beginning right after one blank after `pos`, or empty.
std::string_view wordAfter(std::string_view text, size_t pos) {
  if (pos >= text.size() || !isBlank(text[pos])) return {};
  ++pos;
  size_t end = pos;
  while (end < text.size() && isAlpha(text[end])) ++end;
  return text.substr(pos, end - pos);
}

bool isCapitalized(std::string_view word) { return !word.empty() && isUpper(word[0]); }

// The word before `begin` (across blanks), letters and digits, e.g. "James" or "42nd".
std::string_view wordBefore(std::string_view text, size_t begin, size_t* wordBegin = nullptr) {
  size_t end = begin;
  while (end > 0 && isBlank(text[end - 1])) --end;
  size_t start = end;
  while (start > 0 && (isAlpha(text[start - 1]) || isDigit(text[start - 1]))) --start;
  if (wordBegin) *wordBegin = start;
  return text.substr(start, end - start);
}

// Whether the word starting at `begin` opens a sentence (nothing but space, a sentence end or
// an opening quote before it).
bool opensSentence(std::string_view text, size_t begin) {
  size_t i = begin;
  while (i > 0 && (isBlank(text[i - 1]) || text[i - 1] == '"' || text[i - 1] == '(' || text[i - 1] == '\'')) --i;
  if (i == 0) return true;
  const char c = text[i - 1];
  return c == '.' || c == '!' || c == '?' || c == '\n';
}

// A capitalized word that is not merely capitalized for opening the sentence, or a number
// ("Baker St.", "42nd St.").
bool followsPlaceName(std::string_view text, size_t begin) {
  size_t previousBegin = 0;
  const std::string_view previous = wordBefore(text, begin, &previousBegin);
  if (previous.empty() || previousBegin == begin) return false;
  if (isDigit(previous[0])) return true;
  return isCapitalized(previous) && !opensSentence(text, previousBegin);
}

AbbreviationReading finish(std::string_view text, size_t end, std::string spoken, Kind kind, bool hasDot) {
  AbbreviationReading reading;
  reading.end = end;
  reading.spoken = std::move(spoken);
  if (hasDot) {
    bool newline = false;
    const char next = nextVisible(text, end, &newline);
    const bool atEnd = newline || next == '\0';
    reading.endsSentence = atEnd || (kind == Kind::Trailing && sentenceMayEndBefore(text, end));
    reading.fullStop = end - 1;
  }
  return reading;
}

std::optional<AbbreviationReading> readInitial(std::string_view text, size_t begin) {
  // "J. K. Rowling", "John F. Kennedy": a capital and a full stop inside a name.
  const size_t dot = begin + 1;
  if (dot >= text.size() || text[dot] != '.' || !isUpper(text[begin])) return std::nullopt;
  const size_t after = dot + 1;
  if (after + 1 < text.size() && isBlank(text[after]) && isUpper(text[after + 1]) &&
      after + 2 < text.size() && text[after + 2] == '.') {
    return finish(text, after, std::string(1, text[begin]), Kind::Inline, true);
  }
  const std::string_view next = wordAfter(text, after);
  if (next.size() < 2 || !isCapitalized(next)) return std::nullopt;
  size_t previousBegin = 0;
  const std::string_view previous = wordBefore(text, begin, &previousBegin);
  const bool inName = (!previous.empty() && previousBegin != begin && isCapitalized(previous)) ||
                      opensSentence(text, begin) || (begin >= 2 && text[begin - 2] == '.');
  if (!inName || text[begin] == 'I') return std::nullopt;
  return finish(text, after, std::string(1, text[begin]), Kind::Inline, true);
}

}  // namespace

std::optional<AbbreviationReading> Abbreviations::read(std::string_view text, size_t begin) {
  if (begin >= text.size() || !isAlpha(text[begin])) return std::nullopt;
  if (begin > 0 && isWordByte(text[begin - 1])) return std::nullopt;
  for (const auto& dotted : kDotted) {
    if (text.substr(begin, dotted.written.size()) == dotted.written) {
      const size_t end = begin + dotted.written.size();
      if (end < text.size() && isWordByte(text[end])) continue;
      return finish(text, end, std::string(dotted.spoken), dotted.kind, true);
    }
  }
  size_t wordEnd = begin;
  while (wordEnd < text.size() && isAlpha(text[wordEnd])) ++wordEnd;
  if (wordEnd < text.size() && isWordByte(text[wordEnd])) return std::nullopt;
  const std::string_view word = text.substr(begin, wordEnd - begin);
  const bool hasDot = wordEnd < text.size() && text[wordEnd] == '.';
  const size_t end = hasDot ? wordEnd + 1 : wordEnd;

  // Initialisms with full stops ("U.S.", "U.K.") are said letter by letter.
  if (word.size() == 1 && isUpper(word[0]) && hasDot && end + 1 < text.size() && isUpper(text[end]) &&
      text[end + 1] == '.') {
    std::string spoken(1, word[0]);
    size_t pos = end;
    while (pos + 1 < text.size() && isUpper(text[pos]) && text[pos + 1] == '.' &&
           (pos + 2 >= text.size() || !isWordByte(text[pos + 2]))) {
      spoken += ' ';
      spoken += text[pos];
      pos += 2;
    }
    return finish(text, pos, std::move(spoken), Kind::Inline, true);
  }
  if (word.size() == 1) return readInitial(text, begin);

  const std::string_view next = wordAfter(text, end);
  const bool nameFollows = isCapitalized(next);
  if (word == "St" || word == "Dr") {
    if (!hasDot && !nameFollows) return std::nullopt;
    const bool place = followsPlaceName(text, begin) || (word == "St" && !nameFollows);
    if (place) return finish(text, end, word == "St" ? "Street" : "Drive", Kind::Trailing, hasDot);
    return finish(text, end, word == "St" ? "Saint" : "Doctor", Kind::Title, hasDot);
  }
  for (const auto& entry : kEntries) {
    const bool caseFree = entry.kind == Kind::Trailing || entry.kind == Kind::Inline;
    if (!(word == entry.written || (caseFree && equalsIgnoringCase(word, entry.written)))) continue;
    if (entry.needsDot && !hasDot) continue;
    if (entry.kind == Kind::Title && !hasDot && !nameFollows) continue;
    if (entry.kind == Kind::BeforeNumber) {
      const char following = nextVisible(text, end);
      if (!isDigit(following)) continue;
    }
    return finish(text, end, std::string(entry.spoken), entry.kind, hasDot);
  }
  return std::nullopt;
}

bool Abbreviations::keepsSentenceOpen(std::string_view text, size_t dot) {
  if (dot >= text.size() || text[dot] != '.') return false;
  // Back to the start of the word (letters and the full stops of "e.g." or "U.S.").
  size_t begin = dot;
  while (begin > 0 && (isAlpha(text[begin - 1]) || (text[begin - 1] == '.' && begin - 1 != dot))) --begin;
  while (begin < dot && !isAlpha(text[begin])) ++begin;
  // Try each word start inside the run: "U.S." starts at U, "Mr." at M.
  for (size_t start = begin; start < dot; ++start) {
    if (!isAlpha(text[start]) || (start > 0 && isAlpha(text[start - 1]))) continue;
    const auto reading = read(text, start);
    if (reading && reading->end == dot + 1) return !reading->endsSentence;
  }
  return false;
}

}  // namespace kokoro
