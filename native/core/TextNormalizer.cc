#include "core/TextNormalizer.h"

#include <array>
#include <limits>
#include <optional>

#include "core/Abbreviations.h"
#include "core/Error.h"
#include "core/NumberWords.h"
#include "core/OffsetTextBuilder.h"
#include "core/SpokenUnits.h"
#include "core/Utf8.h"
#include "core/WebAddressReader.h"

namespace kokoro {
namespace {

constexpr size_t npos = std::string_view::npos;

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

char lower(char c) { return isUpper(c) ? static_cast<char>(c + 32) : c; }

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

int smallValue(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

constexpr std::array<std::string_view, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                      "July",    "August",   "September", "October", "November", "December"};

// A month written in full or abbreviated ("Mar", "Sept"), or 0.
int monthNumber(std::string_view word) {
  for (size_t m = 0; m < kMonths.size(); ++m) {
    if (word == kMonths[m]) return static_cast<int>(m) + 1;
  }
  if (word == "Sept") return 9;
  if (word.size() == 3 && word != "May") {
    for (size_t m = 0; m < kMonths.size(); ++m) {
      if (word == kMonths[m].substr(0, 3)) return static_cast<int>(m) + 1;
    }
  }
  return 0;
}

// A written number: digits with optional thousands commas and an optional decimal part.
struct WrittenNumber {
  size_t begin = 0;
  size_t end = 0;
  std::string integer;   // digits only, commas removed
  std::string fraction;  // digits after the decimal point
  bool hasFraction = false;
  bool hasCommas = false;
  bool isInteger() const { return !hasFraction; }
  bool isOne() const { return !hasFraction && integer.find_first_not_of('0') == integer.size() - 1 && integer.back() == '1'; }
};


struct Currency {
  char32_t symbol;
  std::string_view one, many, minorOne, minorMany;  // no minor unit when empty
};
constexpr std::array<Currency, 4> kCurrencies = {{{'$', "dollar", "dollars", "cent", "cents"},
                                                  {0xA3, "pound", "pounds", "penny", "pence"},
                                                  {0x20AC, "euro", "euros", "cent", "cents"},
                                                  {0xA5, "yen", "yen", "", ""}}};

const Currency* currencyOf(char32_t cp) {
  for (const auto& currency : kCurrencies) {
    if (currency.symbol == cp) return &currency;
  }
  return nullptr;
}

// One pass over the input; see TextNormalizer.h.
class Normalization {
 public:
  Normalization(std::string_view text, const NormalizationOptions& options, bool british)
      : s_(text), options_(options), british_(british), out_(text) {}

  NormalizedText run() && {
    size_t i = 0;
    while (i < s_.size()) {
      const size_t next = step(i);
      i = next > i ? next : i + 1;
    }
    return std::move(out_).finish();
  }

 private:
  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }
  bool boundaryBefore(size_t i) const { return i == 0 || !isAlnum(s_[i - 1]); }
  bool boundaryAt(size_t i) const { return i >= s_.size() || !isAlnum(s_[i]); }

  void say(const std::string& words, size_t sourceOffset) { out_.words(words, sourceOffset); }
  void sayNumber(size_t begin, size_t end, const std::string& words) {
    if (options_.numbers) say(words, begin);
    else out_.copy(begin, end);
    numberEnd_ = end;
    lastNumberDigits_ = s_.substr(begin, end - begin);
  }

  size_t step(size_t i) {
    const char c = s_[i];
    const bool runStart = i == 0 || isSpace(s_[i - 1]) || s_[i - 1] == '(' || s_[i - 1] == '<' || s_[i - 1] == '"' ||
                          s_[i - 1] == '\'' || s_[i - 1] == '[';
    if (runStart && i >= webCheckedUntil_ && !isSpace(c)) {
      if (auto end = readWebAddress(i)) return *end;
    }
    if (isDigit(c)) return readDigits(i);
    if (isAlpha(c)) return readWord(i);
    return readSymbol(i);
  }

  // ---- web addresses -------------------------------------------------------------------
  std::optional<size_t> readWebAddress(size_t begin) {
    size_t end = begin;
    while (end < s_.size() && !isSpace(s_[end])) ++end;
    webCheckedUntil_ = end;
    // Trailing punctuation belongs to the sentence, not the address.
    while (end > begin && std::string_view(".,;:!?)]}>\"'").find(s_[end - 1]) != npos) --end;
    if (end <= begin + 3) return std::nullopt;
    std::optional<std::vector<SpokenPart>> parts;
    if (options_.emails) parts = WebAddressReader::readEmail(s_, begin, end);
    if (!parts && options_.urls) parts = WebAddressReader::readUrl(s_, begin, end);
    if (!parts) return std::nullopt;
    for (const auto& part : *parts) say(part.words, part.sourceOffset);
    return end;
  }

  // ---- words: abbreviations, months, Roman numerals --------------------------------------
  size_t readWord(size_t begin) {
    size_t end = begin;
    while (end < s_.size() && isAlpha(s_[end])) ++end;
    if (!boundaryBefore(begin)) {
      out_.copy(begin, end);
      return end;
    }
    if (options_.dates) {
      if (auto next = readMonthDay(begin, end)) return *next;
    }
    if (options_.abbreviations) {
      if (auto reading = Abbreviations::read(s_, begin)) {
        say(reading->spoken, begin);
        if (reading->endsSentence) out_.punctuation(".", reading->fullStop);
        return reading->end;
      }
    }
    if (options_.numbers && boundaryAt(end)) {
      if (auto next = readRomanNumeral(begin, end)) return *next;
    }
    out_.copy(begin, end);
    return end;
  }

  // "March 5", "Mar. 5th": "March fifth" (British "March the fifth").
  std::optional<size_t> readMonthDay(size_t begin, size_t end) {
    const int month = monthNumber(s_.substr(begin, end - begin));
    if (month == 0) return std::nullopt;
    size_t i = end;
    const bool abbreviated = end - begin <= 4 && kMonths[month - 1].size() != end - begin;
    if (abbreviated && at(i) == '.') ++i;
    if (at(i) != ' ' || !isDigit(at(i + 1))) return std::nullopt;
    // "Sept. 2023", "Jan 1999": the month in full; the year is read next.
    if (abbreviated && isDigit(at(i + 2)) && isDigit(at(i + 3)) && isDigit(at(i + 4)) && boundaryAt(i + 5)) {
      say(std::string(kMonths[month - 1]), begin);
      return i;
    }
    ++i;
    size_t dayEnd = i;
    while (dayEnd < s_.size() && isDigit(s_[dayEnd]) && dayEnd - i < 3) ++dayEnd;
    const int day = smallValue(s_.substr(i, dayEnd - i));
    if (dayEnd - i > 2 || day < 1 || day > 31) return std::nullopt;
    size_t after = skipOrdinalSuffix(dayEnd);
    if (!boundaryAt(after) || (at(after) == ':' && isDigit(at(after + 1))) ||
        (at(after) == '.' && isDigit(at(after + 1)))) {
      return std::nullopt;
    }
    const std::string dayWords = NumberWords::ordinal(s_.substr(i, dayEnd - i), british_);
    say(std::string(kMonths[month - 1]), begin);
    say(british_ ? "the " + dayWords : dayWords, i);
    return after;
  }

  size_t skipOrdinalSuffix(size_t i) const {
    if (i + 1 < s_.size()) {
      const std::string_view suffix = s_.substr(i, 2);
      for (std::string_view known : {"st", "nd", "rd", "th"}) {
        if (equalsIgnoringCase(suffix, known) && boundaryAt(i + 2)) return i + 2;
      }
    }
    return i;
  }

  // "Chapter IV" -> "Chapter four", "Henry VIII" -> "Henry the eighth"; never "I" alone.
  std::optional<size_t> readRomanNumeral(size_t begin, size_t end) {
    const std::string_view letters = s_.substr(begin, end - begin);
    const int value = NumberWords::romanValue(letters);
    if (value == 0) return std::nullopt;
    size_t previousEnd = begin;
    while (previousEnd > 0 && s_[previousEnd - 1] == ' ') --previousEnd;
    if (previousEnd == begin || previousEnd == 0) return std::nullopt;
    size_t previousBegin = previousEnd;
    while (previousBegin > 0 && isAlpha(s_[previousBegin - 1])) --previousBegin;
    const std::string_view previous = s_.substr(previousBegin, previousEnd - previousBegin);
    if (previous.empty()) return std::nullopt;
    static constexpr std::array<std::string_view, 20> kCounted = {
        "chapter", "part",  "volume", "book",    "act",     "scene", "section", "article", "appendix", "episode",
        "phase",   "level", "stage",  "class",   "type",    "title", "bowl",    "war",     "round",    "canto"};
    // "Chapter I", "World War I"; but "the book I read" keeps its pronoun.
    const bool countedFollows = isUpper(previous[0]) || letters.size() >= 2;
    for (std::string_view word : kCounted) {
      if (countedFollows && equalsIgnoringCase(previous, word)) {
        say(NumberWords::cardinal(std::to_string(value), british_), begin);
        return end;
      }
    }
    // After a name: a regnal number, read as an ordinal. Only short I/V/X numerals, so that
    // acronyms (MIX, CD, DC) and "Malcolm X" stay as written.
    const bool regnalShape = letters.find_first_not_of("IVX") == npos && (letters.size() >= 2 || letters == "V");
    const bool name = isUpper(previous[0]) && previous.size() >= 2 && !isUpper(previous[1]);
    if (!regnalShape || !name) return std::nullopt;
    say("the " + NumberWords::ordinal(std::to_string(value), british_), begin);
    return end;
  }

  // ---- numbers ---------------------------------------------------------------------------
  WrittenNumber parseNumber(size_t begin) const {
    WrittenNumber number;
    number.begin = begin;
    size_t i = begin;
    while (i < s_.size() && isDigit(s_[i])) number.integer += s_[i++];
    // Thousands separators: "1,234,567" (groups of exactly three digits).
    if (number.integer.size() <= 3) {
      while (at(i) == ',' && isDigit(at(i + 1)) && isDigit(at(i + 2)) && isDigit(at(i + 3)) && !isDigit(at(i + 4))) {
        number.integer.append(s_.substr(i + 1, 3));
        number.hasCommas = true;
        i += 4;
      }
    }
    if (at(i) == '.' && isDigit(at(i + 1))) {
      number.hasFraction = true;
      ++i;
      while (i < s_.size() && isDigit(s_[i])) number.fraction += s_[i++];
    }
    number.end = i;
    return number;
  }

  std::string numberWords(const WrittenNumber& number) const {
    if (number.hasFraction) return NumberWords::decimal(number.integer, number.fraction, british_);
    const bool leadingZero = number.integer.size() > 1 && number.integer[0] == '0';
    // Long digit strings without separators are identifiers: read them digit by digit.
    if (leadingZero || (!number.hasCommas && number.integer.size() > 12)) {
      return NumberWords::digitByDigit(number.integer);
    }
    return NumberWords::cardinal(number.integer, british_);
  }

  size_t readDigits(size_t begin) {
    const bool afterLetter = begin > 0 && isAlpha(s_[begin - 1]);
    if (!afterLetter && boundaryBefore(begin)) {
      if (options_.phones) {
        if (auto end = readPhoneNumber(begin)) return *end;
        size_t end = 0;
        if (auto parts = WebAddressReader::readIpAddress(s_, begin, &end)) {
          for (const auto& part : *parts) say(part.words, part.sourceOffset);
          return end;
        }
      }
      if (options_.dates) {
        if (auto end = readNumericDate(begin)) return *end;
        if (auto end = readDayMonth(begin)) return *end;
      }
      if (options_.time) {
        if (auto end = readClockTime(begin)) return *end;
      }
    }
    const WrittenNumber number = parseNumber(begin);
    size_t end = number.end;
    // Version numbers and other dotted sequences: "1.2.3" -> "one point two point three".
    if (number.hasFraction && at(end) == '.' && isDigit(at(end + 1))) return readDottedSequence(begin);
    if (number.isInteger() && !number.hasCommas) {
      const size_t afterSuffix = skipOrdinalSuffix(end);
      if (afterSuffix != end) {
        sayNumber(begin, afterSuffix, NumberWords::ordinal(number.integer, british_));
        return afterSuffix;
      }
      if (at(end) == 's' && boundaryAt(end + 1) && (number.integer.size() == 4 || number.integer.size() == 2) &&
          number.integer.back() == '0') {
        sayNumber(begin, end + 1, NumberWords::decade(number.integer, british_));
        return end + 1;
      }
    }
    if (options_.time && number.isInteger() && !number.hasCommas && number.integer.size() <= 2) {
      if (auto timeEnd = readHourWithMeridiem(begin, number)) return *timeEnd;
    }
    // Amount followed by a currency sign: "5€".
    if (options_.currency && end < s_.size()) {
      const Currency* currency = currencyOf(codePointAt(s_, end).first);
      if (currency) {
        const size_t symbolEnd = end + codePointAt(s_, end).second;
        sayAmount(begin, number, "", *currency);
        numberEnd_ = symbolEnd;
        lastNumberDigits_ = {};
        return symbolEnd;
      }
    }
    if (options_.units) {
      if (auto unitEnd = readUnit(number)) return *unitEnd;
    }
    if (number.isInteger() && at(end) == '/' && isDigit(at(end + 1))) {
      if (auto fractionEnd = readFraction(number)) return *fractionEnd;
    }
    if (number.isInteger() && !number.hasCommas && number.integer.size() == 4 && number.integer[0] >= '1' &&
        number.integer[0] <= '2' && boundaryAt(end) && !afterLetter) {
      sayNumber(begin, end, NumberWords::year(number.integer, british_));
      return end;
    }
    sayNumber(begin, end, numberWords(number));
    return end;
  }

  size_t readDottedSequence(size_t begin) {
    std::string words;
    size_t i = begin;
    while (true) {
      size_t j = i;
      while (j < s_.size() && isDigit(s_[j])) ++j;
      if (!words.empty()) words += " point ";
      words += NumberWords::cardinal(s_.substr(i, j - i), british_);
      if (at(j) == '.' && isDigit(at(j + 1))) i = j + 1;
      else {
        sayNumber(begin, j, words);
        return j;
      }
    }
  }

  std::optional<size_t> readFraction(const WrittenNumber& numerator) {
    size_t i = numerator.end + 1;
    size_t end = i;
    while (end < s_.size() && isDigit(s_[end])) ++end;
    const std::string_view denominatorDigits = s_.substr(i, end - i);
    if (denominatorDigits.size() > 2 || numerator.integer.size() > 2 || !boundaryAt(end) || at(end) == '/') {
      return std::nullopt;
    }
    const int top = smallValue(numerator.integer);
    const int bottom = smallValue(denominatorDigits);
    // Proper fractions with small denominators only; "24/7", "9/11", "50/50" are said as
    // two numbers.
    if (bottom < 2 || bottom > 10 || top < 1 || top >= bottom) {
      sayNumber(numerator.begin, end,
                NumberWords::cardinal(numerator.integer, british_) + " " + NumberWords::cardinal(denominatorDigits, british_));
      return end;
    }
    std::string name = bottom == 2 ? "half" : bottom == 4 ? "quarter" : NumberWords::ordinal(denominatorDigits, british_);
    if (top > 1) name = bottom == 2 ? "halves" : name + "s";
    sayNumber(numerator.begin, end, NumberWords::cardinal(numerator.integer, british_) + " " + name);
    return end;
  }

  // ---- units and currency ----------------------------------------------------------------
  std::optional<size_t> readUnit(const WrittenNumber& number) {
    size_t i = number.end;
    const bool spaced = at(i) == ' ';
    if (spaced) ++i;
    const auto unit = SpokenUnits::match(s_, i, spaced);
    if (!unit) return std::nullopt;
    sayNumber(number.begin, number.end, numberWords(number));
    const bool singular = number.isOne();
    say(std::string(SpokenUnits::name(*unit, singular, british_)), i);
    return i + unit->length;
  }

  // "$5.30" -> "five dollars thirty", "$5.3 thousand" / "$5.3k" -> "five point three thousand
  // dollars", "$0.05" -> "five cents".
  void sayAmount(size_t begin, const WrittenNumber& number, std::string_view scale, const Currency& currency) {
    const bool cents = number.hasFraction && number.fraction.size() == 2 && !currency.minorMany.empty() && scale.empty();
    std::string words;
    if (!scale.empty()) {
      words = numberWords(number) + " " + std::string(scale) + " " + std::string(currency.many);
    } else if (cents) {
      const bool noMajor = number.integer.find_first_not_of('0') == std::string::npos;
      const int minor = smallValue(number.fraction);
      const std::string major = NumberWords::cardinal(number.integer.empty() ? "0" : number.integer, british_);
      const std::string_view majorUnit = number.integer == "1" ? currency.one : currency.many;
      if (noMajor) {
        words = NumberWords::cardinal(number.fraction, british_) + " " +
                std::string(minor == 1 ? currency.minorOne : currency.minorMany);
      } else if (minor == 0) {
        words = major + " " + std::string(majorUnit);
      } else {
        words = major + " " + std::string(majorUnit) + " " + NumberWords::cardinal(number.fraction, british_);
      }
    } else {
      words = numberWords(number) + " " + std::string(number.isOne() ? currency.one : currency.many);
    }
    say(words, begin);
  }

  std::optional<size_t> readCurrency(size_t begin, const Currency& currency, size_t symbolLength) {
    size_t i = begin + symbolLength;
    if (!isDigit(at(i))) return std::nullopt;
    const WrittenNumber number = parseNumber(i);
    size_t end = number.end;
    std::string_view scale;
    // Suffixes: 5k, 1m, 2bn, 3tn; or a written scale word.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kSuffixes = {{
        {"k", "thousand"}, {"K", "thousand"}, {"m", "million"}, {"M", "million"}, {"mn", "million"},
        {"b", "billion"},  {"B", "billion"},  {"bn", "billion"}, {"tn", "trillion"}, {"T", "trillion"}}};
    for (const auto& [suffix, word] : kSuffixes) {
      if (s_.substr(end, suffix.size()) == suffix && boundaryAt(end + suffix.size())) {
        scale = word;
        end += suffix.size();
        break;
      }
    }
    if (scale.empty() && at(end) == ' ') {
      for (std::string_view word : {"thousand", "million", "billion", "trillion"}) {
        if (s_.substr(end + 1, word.size()) == word && boundaryAt(end + 1 + word.size())) {
          scale = word;
          end += 1 + word.size();
          break;
        }
      }
    }
    sayAmount(begin, number, scale, currency);
    numberEnd_ = end;
    lastNumberDigits_ = {};
    return end;
  }

  // ---- times and dates -------------------------------------------------------------------
  // " pm", "pm", " p.m.", " PM": the meridiem after a time, or nothing. `dot` receives the
  // position of a final full stop (or npos).
  std::optional<std::pair<std::string, size_t>> readMeridiem(size_t i, size_t* dot) const {
    *dot = npos;
    if (at(i) == ' ') ++i;
    const char first = lower(at(i));
    if (first != 'a' && first != 'p') return std::nullopt;
    size_t j = i + 1;
    const bool dotted = at(j) == '.';
    if (dotted) ++j;
    if (lower(at(j)) != 'm') return std::nullopt;
    ++j;
    if (dotted) {
      if (at(j) != '.') return std::nullopt;
      *dot = j;
      ++j;
    }
    if (!boundaryAt(j)) return std::nullopt;
    return std::make_pair(std::string(first == 'a' ? "A M" : "P M"), j);
  }

  // After a meridiem with a full stop: keep the stop when it also ends the sentence.
  void keepSentenceEnd(size_t dot, size_t after) {
    if (dot == npos) return;
    size_t i = after;
    while (i < s_.size() && (s_[i] == ' ' || s_[i] == '\t')) ++i;
    if (i >= s_.size() || s_[i] == '\n' || s_[i] == '\r' || isUpper(s_[i])) out_.punctuation(".", dot);
  }

  std::string minuteWords(int minutes) const {
    if (minutes < 10) return "oh " + NumberWords::cardinal(std::to_string(minutes), british_);
    return NumberWords::cardinal(std::to_string(minutes), british_);
  }

  // "10:35", "3:00", "1:00 pm", "23:15:10".
  std::optional<size_t> readClockTime(size_t begin) {
    size_t i = begin;
    while (i < s_.size() && isDigit(s_[i]) && i - begin < 3) ++i;
    if (i - begin > 2 || at(i) != ':' || !isDigit(at(i + 1)) || !isDigit(at(i + 2)) || isDigit(at(i + 3))) {
      return std::nullopt;
    }
    const int hour = smallValue(s_.substr(begin, i - begin));
    const int minute = smallValue(s_.substr(i + 1, 2));
    if (hour > 23 || minute > 59) return std::nullopt;
    size_t end = i + 3;
    int second = -1;
    if (at(end) == ':' && isDigit(at(end + 1)) && isDigit(at(end + 2)) && !isDigit(at(end + 3))) {
      second = smallValue(s_.substr(end + 1, 2));
      if (second > 59) return std::nullopt;
      end += 3;
    }
    if (!boundaryAt(end) && !(isAlpha(at(end)))) return std::nullopt;
    if (at(end) == '.' && isDigit(at(end + 1))) return std::nullopt;
    size_t dot = npos;
    const auto meridiem = readMeridiem(end, &dot);
    if (!meridiem && !boundaryAt(end)) return std::nullopt;
    const std::string hourWords = NumberWords::cardinal(std::to_string(hour), british_);
    std::string words;
    if (minute == 0 && meridiem) words = hourWords;
    else if (minute == 0 && hour >= 1 && hour <= 12) words = hourWords + " o'clock";
    else if (minute == 0) words = hour == 0 ? "midnight" : hourWords + " hundred";
    else words = (hour == 0 ? std::string("zero") : hourWords) + " " + minuteWords(minute);
    if (second > 0) {
      words += " and " + NumberWords::cardinal(std::to_string(second), british_) + (second == 1 ? " second" : " seconds");
    }
    say(words, begin);
    if (!meridiem) return markRangeStart(end);
    out_.words(meridiem->first, at(end) == ' ' ? end + 1 : end, end);
    keepSentenceEnd(dot, meridiem->second);
    return markRangeStart(meridiem->second);
  }

  // A dash right after `end` reads "to" ("10:00-11:30", "9am-5pm").
  size_t markRangeStart(size_t end) {
    numberEnd_ = end;
    lastNumberDigits_ = {};
    return end;
  }

  // "5 pm", "11a.m.": an hour and its meridiem.
  std::optional<size_t> readHourWithMeridiem(size_t begin, const WrittenNumber& number) {
    const int hour = smallValue(number.integer);
    if (hour < 1 || hour > 12) return std::nullopt;
    size_t dot = npos;
    const auto meridiem = readMeridiem(number.end, &dot);
    if (!meridiem) return std::nullopt;
    say(NumberWords::cardinal(number.integer, british_), begin);
    out_.words(meridiem->first, at(number.end) == ' ' ? number.end + 1 : number.end, number.end);
    keepSentenceEnd(dot, meridiem->second);
    return markRangeStart(meridiem->second);
  }

  std::string spokenDate(int day, int month, std::string_view yearDigits, bool dayFirst) const {
    const std::string dayWords = NumberWords::ordinal(std::to_string(day), british_);
    const std::string monthName(kMonths[month - 1]);
    std::string words = dayFirst ? "the " + dayWords + " of " + monthName
                                 : monthName + (british_ ? " the " : " ") + dayWords;
    if (!yearDigits.empty()) words += ", " + NumberWords::year(yearDigits, british_);
    return words;
  }

  // 2024-03-05, 2024/03/05, 03/05/2024 (order by locale unless one part exceeds 12), 05.03.2024.
  std::optional<size_t> readNumericDate(size_t begin) {
    auto digitsAt = [this](size_t i, size_t minLength, size_t maxLength) -> size_t {
      size_t j = i;
      while (j < s_.size() && isDigit(s_[j]) && j - i <= maxLength) ++j;
      const size_t length = j - i;
      return length >= minLength && length <= maxLength ? j : npos;
    };
    size_t firstEnd = digitsAt(begin, 1, 4);
    if (firstEnd == npos) return std::nullopt;
    const char separator = at(firstEnd);
    if (separator != '-' && separator != '/' && separator != '.') return std::nullopt;
    const size_t secondEnd = digitsAt(firstEnd + 1, 1, 2);
    if (secondEnd == npos || at(secondEnd) != separator) return std::nullopt;
    const size_t firstLength = firstEnd - begin;
    const size_t thirdEnd = digitsAt(secondEnd + 1, firstLength == 4 ? 1 : 4, firstLength == 4 ? 2 : 4);
    if (thirdEnd == npos || !boundaryAt(thirdEnd) || (at(thirdEnd) == separator && isDigit(at(thirdEnd + 1)))) {
      return std::nullopt;
    }
    const int first = smallValue(s_.substr(begin, firstLength));
    const int second = smallValue(s_.substr(firstEnd + 1, secondEnd - firstEnd - 1));
    const int third = smallValue(s_.substr(secondEnd + 1, thirdEnd - secondEnd - 1));
    int day = 0;
    int month = 0;
    std::string_view year;
    bool dayFirst = british_;
    if (firstLength == 4) {
      if (separator == '.') return std::nullopt;
      year = s_.substr(begin, 4);
      month = second;
      day = third;
    } else if (firstLength <= 2) {
      if (separator == '-') return std::nullopt;  // 5-10-2024 reads as a range
      year = s_.substr(secondEnd + 1, 4);
      const bool monthFirst = separator == '/' && (first > 12 ? false : second > 12 ? true : !british_);
      month = monthFirst ? first : second;
      day = monthFirst ? second : first;
    } else {
      return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || year[0] == '0') return std::nullopt;
    say(spokenDate(day, month, year, dayFirst), begin);
    return thirdEnd;
  }

  // "5 March", "5th of March": "the fifth of March".
  std::optional<size_t> readDayMonth(size_t begin) {
    size_t dayEnd = begin;
    while (dayEnd < s_.size() && isDigit(s_[dayEnd]) && dayEnd - begin < 3) ++dayEnd;
    if (dayEnd - begin > 2) return std::nullopt;
    const int day = smallValue(s_.substr(begin, dayEnd - begin));
    if (day < 1 || day > 31) return std::nullopt;
    size_t i = skipOrdinalSuffix(dayEnd);
    if (at(i) != ' ') return std::nullopt;
    ++i;
    if (s_.substr(i, 3) == "of ") i += 3;
    size_t wordEnd = i;
    while (wordEnd < s_.size() && isAlpha(s_[wordEnd])) ++wordEnd;
    const int month = monthNumber(s_.substr(i, wordEnd - i));
    if (month == 0 || !boundaryAt(wordEnd)) return std::nullopt;
    size_t end = wordEnd;
    if (wordEnd - i < kMonths[month - 1].size() && at(end) == '.' && !(at(end + 1) == '\0' || at(end + 1) == '\n')) {
      ++end;
    }
    say("the " + NumberWords::ordinal(s_.substr(begin, dayEnd - begin), british_) + " of", begin);
    say(std::string(kMonths[month - 1]), i);
    return end;
  }

  // ---- phone numbers ---------------------------------------------------------------------
  // +44 20 7946 0958, (555) 123-4567, 555-123-4567, 1-800-555-0199, 020 7946 0958.
  std::optional<size_t> readPhoneNumber(size_t begin) {
    struct Group {
      size_t begin, end;
    };
    std::vector<Group> groups;
    size_t i = begin;
    const bool international = at(i) == '+';
    if (international) ++i;
    char separator = '\0';
    size_t digits = 0;
    while (true) {
      const bool parenthesised = at(i) == '(';
      const size_t groupBegin = parenthesised ? i + 1 : i;
      size_t j = groupBegin;
      while (j < s_.size() && isDigit(s_[j])) ++j;
      if (j == groupBegin || j - groupBegin > 5) break;
      if (parenthesised) {
        if (at(j) != ')') break;
        groups.push_back({groupBegin, j});
        i = j + 1;
      } else {
        groups.push_back({groupBegin, j});
        i = j;
      }
      digits += j - groupBegin;
      // No phone number is longer; stopping here keeps runs like "1-1-1-…" linear.
      if (groups.size() > 6 || digits > 15) return std::nullopt;
      const char next = at(i);
      const bool groupFollows = next == '(' || isDigit(at(i + 1)) || (at(i + 1) == '(' && isDigit(at(i + 2)));
      if ((next == ' ' || next == '-' || next == '.') && groupFollows && !(parenthesised && next != ' ')) {
        if (separator == '\0' && !(parenthesised)) separator = next;
        if (next != separator && !(groups.size() == 1 && s_[begin] == '(')) break;
        ++i;
        continue;
      }
      if (next == '(' || (parenthesised && isDigit(next))) continue;
      break;
    }
    if (groups.size() < 2 || !boundaryAt(groups.back().end) || (at(groups.back().end) == '.' && isDigit(at(groups.back().end + 1)))) {
      return std::nullopt;
    }
    auto length = [](const Group& g) { return g.end - g.begin; };
    bool phone = false;
    if (international) {
      phone = digits >= 8 && digits <= 15;
    } else if (s_[begin] == '(') {
      phone = digits >= 10 && digits <= 11 && groups.size() == 3;
    } else if (separator == '-' || separator == '.') {
      // 555-123-4567, 1-800-555-0199
      const size_t n = groups.size();
      phone = (n == 3 && length(groups[0]) == 3 && length(groups[1]) == 3 && length(groups[2]) == 4) ||
              (n == 4 && length(groups[0]) == 1 && length(groups[1]) == 3 && length(groups[2]) == 3 &&
               length(groups[3]) == 4);
    } else if (separator == ' ') {
      // National numbers with a trunk zero: 020 7946 0958, 01632 960123.
      phone = s_[begin] == '0' && digits >= 10 && digits <= 11 && length(groups[0]) >= 3;
    }
    if (!phone) return std::nullopt;
    if (international) say("plus", begin);
    for (size_t g = 0; g < groups.size(); ++g) {
      if (g > 0) out_.punctuation(",", groups[g].begin);
      say(NumberWords::digitByDigit(s_.substr(groups[g].begin, length(groups[g])), "oh"), groups[g].begin);
    }
    return groups.back().end;
  }

  // Whether the integer at `i` is smaller than the number just said, as in a score, except
  // for a two-digit year after a four-digit one.
  bool descendingScore(size_t i) const {
    size_t end = i;
    while (end < s_.size() && isDigit(s_[end])) ++end;
    const std::string_view second = s_.substr(i, end - i);
    const std::string_view first = lastNumberDigits_;
    if (second.empty() || first.empty() || first.find_first_not_of("0123456789") != npos ||
        (first.size() == 4 && second.size() == 2)) {
      return false;
    }
    return first.size() != second.size() ? first.size() > second.size() : first > second;
  }

  // A number, or a currency sign and a number, at `i`.
  bool amountFollows(size_t i) const {
    if (isDigit(at(i))) return true;
    if (i >= s_.size()) return false;
    const auto [cp, length] = codePointAt(s_, i);
    return currencyOf(cp) != nullptr && isDigit(at(i + length));
  }

  // ---- symbols and everything else --------------------------------------------------------
  size_t readSymbol(size_t begin) {
    const auto [cp, length] = codePointAt(s_, begin);
    const size_t end = begin + length;
    const bool digitFollows = isDigit(at(end));
    // A dash between two numbers: "5-10" -> "five to ten".
    if ((cp == '-' || cp == 0x2013) && numberEnd_ == begin && options_.numbers && amountFollows(end)) {
      // A score ("3-2") is said as two numbers; a range, or a year span ("2020-21"), with "to".
      if (!descendingScore(end)) say("to", begin);
      return end;
    }
    // "COVID-19": the hyphen between a word and a number is not said.
    if (cp == '-' && options_.numbers && begin > 0 && isAlpha(s_[begin - 1]) && digitFollows) return end;
    if (options_.phones && cp == '+' && boundaryBefore(begin) && digitFollows) {
      if (auto phoneEnd = readPhoneNumber(begin)) return *phoneEnd;
    }
    if (options_.phones && cp == '(' && digitFollows) {
      if (auto phoneEnd = readPhoneNumber(begin)) return *phoneEnd;
    }
    if (options_.currency) {
      if (const Currency* currency = currencyOf(cp)) {
        if (auto amountEnd = readCurrency(begin, *currency, length)) return *amountEnd;
      }
    }
    // A minus sign: "-5", "−3°C", "-$5".
    if ((cp == '-' || cp == 0x2212) && options_.numbers && boundaryBefore(begin) &&
        (begin == 0 || isSpace(s_[begin - 1]) || s_[begin - 1] == '(') &&
        amountFollows(end)) {
      say("minus", begin);
      return end;
    }
    if (options_.numbers && cp == '.' && digitFollows && boundaryBefore(begin) && (begin == 0 || isSpace(s_[begin - 1]))) {
      const WrittenNumber number = parseNumber(end);
      sayNumber(begin, number.end, NumberWords::decimal("", number.integer, british_));
      return number.end;
    }
    if (options_.numbers && (cp == '\'' || cp == 0x2019) && digitFollows && isDigit(at(end + 1)) && at(end + 1) == '0' &&
        at(end + 2) == 's' && boundaryAt(end + 3) && boundaryBefore(begin)) {
      sayNumber(begin, end + 3, NumberWords::decade(s_.substr(end, 2), british_));
      return end + 3;
    }
    if (options_.numbers) {
      static constexpr std::array<std::pair<char32_t, std::string_view>, 3> kVulgar = {
          {{0xBD, "half"}, {0xBC, "quarter"}, {0xBE, "three quarters"}}};
      for (const auto& [symbol, name] : kVulgar) {
        if (cp != symbol) continue;
        const bool afterNumber = numberEnd_ == begin;
        std::string words = afterNumber ? (symbol == 0xBE ? "and " + std::string(name) : "and a " + std::string(name))
                                        : (symbol == 0xBE ? std::string(name) : "one " + std::string(name));
        say(words, begin);
        return end;
      }
    }
    if (options_.symbols) {
      if (auto word = symbolWord(cp, begin, end)) {
        say(std::string(*word), begin);
        return end;
      }
    }
    out_.copy(begin, end);
    return end;
  }

  std::optional<std::string_view> symbolWord(char32_t cp, size_t begin, size_t end) const {
    switch (cp) {
      case '&': return "and";
      case '@':
        // Not inside an address left unread ("a.b@c.org" with e-mails off).
        if (begin > 0 && isAlnum(s_[begin - 1]) && isAlnum(at(end))) return std::nullopt;
        return "at";
      case '%': return "percent";
      case '+': return "plus";
      case '=': return "equals";
      case 0xD7: return "times";
      case 0xF7: return "divided by";
      case 0xB1: return "plus or minus";
      case 0x2248: return "approximately";
      case 0x2264: return "less than or equal to";
      case 0x2265: return "greater than or equal to";
      case 0x2260: return "is not equal to";
      case '#':
        if (isDigit(at(end))) return "number";
        return std::nullopt;
      case '~':
        if (isDigit(at(end)) && (begin == 0 || isSpace(s_[begin - 1]))) return "about";
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  std::string_view s_;
  const NormalizationOptions& options_;
  bool british_;
  OffsetTextBuilder out_;
  size_t webCheckedUntil_ = 0;
  size_t numberEnd_ = npos;  // end of the last number said, for ranges and "3½"
  std::string_view lastNumberDigits_;  // its written form
};

}  // namespace

NormalizedText TextNormalizer::normalize(std::string_view utf8, const NormalizationOptions& options, bool british) const {
  if (utf8.size() >= std::numeric_limits<uint32_t>::max()) {
    throw KokoroError(codes::kInvalidArgument, "normalizeText: the text is 4 GiB or more; split it into smaller pieces");
  }
  return Normalization(utf8, options, british).run();
}

}  // namespace kokoro
