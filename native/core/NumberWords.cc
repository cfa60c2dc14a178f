#include "core/NumberWords.h"

#include <array>

namespace kokoro {
namespace {

constexpr std::array<const char*, 20> kOnes = {
    "zero",    "one",     "two",       "three",    "four",     "five",    "six",
    "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
constexpr std::array<const char*, 10> kTens = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
// Short-scale names of 10^(3k).
constexpr std::array<const char*, 12> kScales = {"",            "thousand",     "million",     "billion",
                                                 "trillion",    "quadrillion",  "quintillion", "sextillion",
                                                 "septillion",  "octillion",    "nonillion",   "decillion"};

std::string underHundred(int n) {
  if (n < 20) return kOnes[n];
  std::string words = kTens[n / 10];
  if (n % 10) words += std::string("-") + kOnes[n % 10];
  return words;
}

// 1..999; `andBeforeTens` puts the British "and" between hundreds and tens.
std::string underThousand(int n, bool british) {
  std::string words;
  if (n >= 100) {
    words = std::string(kOnes[n / 100]) + " hundred";
    if (n % 100) words += british ? " and " : " ";
  }
  if (n % 100 || n < 100) words += underHundred(n % 100);
  return words;
}

std::string_view withoutLeadingZeros(std::string_view digits) {
  size_t first = digits.find_first_not_of('0');
  return first == std::string_view::npos ? std::string_view() : digits.substr(first);
}

int smallValue(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

void appendWord(std::string& words, const std::string& word) {
  if (!words.empty()) words += ' ';
  words += word;
}

}  // namespace

std::string NumberWords::cardinal(std::string_view digits, bool british) {
  const std::string_view significant = withoutLeadingZeros(digits);
  if (significant.empty()) return "zero";
  if (significant.size() > kMaxCardinalDigits) return digitByDigit(digits);
  const size_t groupCount = (significant.size() + 2) / 3;
  std::string words;
  bool higherGroupSaid = false;
  for (size_t g = 0; g < groupCount; ++g) {
    const size_t scale = groupCount - 1 - g;
    const size_t end = significant.size() - scale * 3;
    const size_t begin = end >= 3 ? end - 3 : 0;
    const int value = smallValue(significant.substr(begin, end - begin));
    if (value == 0) continue;
    // British: "one thousand and five", "two million and twelve".
    if (british && scale == 0 && value < 100 && higherGroupSaid) appendWord(words, "and");
    appendWord(words, underThousand(value, british));
    if (scale > 0) appendWord(words, kScales[scale]);
    higherGroupSaid = true;
  }
  return words;
}

std::string NumberWords::toOrdinal(std::string words) {
  const size_t cut = words.find_last_of(" -");
  const size_t start = cut == std::string::npos ? 0 : cut + 1;
  const std::string last = words.substr(start);
  static const std::array<std::pair<const char*, const char*>, 6> irregular = {
      {{"one", "first"}, {"two", "second"}, {"three", "third"}, {"five", "fifth"}, {"eight", "eighth"}, {"nine", "ninth"}}};
  for (const auto& [plain, ordinal] : irregular) {
    if (last == plain) return words.substr(0, start) + ordinal;
  }
  if (last == "twelve") return words.substr(0, start) + "twelfth";
  if (!last.empty() && last.back() == 'y') return words.substr(0, words.size() - 1) + "ieth";
  return words + "th";
}

std::string NumberWords::toPlural(std::string words) {
  if (!words.empty() && words.back() == 'y') return words.substr(0, words.size() - 1) + "ies";
  if (words.size() >= 3 && words.compare(words.size() - 3, 3, "six") == 0) return words + "es";
  return words + "s";
}

std::string NumberWords::ordinal(std::string_view digits, bool british) {
  if (withoutLeadingZeros(digits).size() > kMaxCardinalDigits) return digitByDigit(digits);
  return toOrdinal(cardinal(digits, british));
}

std::string NumberWords::year(std::string_view digits, bool british) {
  if (digits.size() != 4 || digits[0] == '0') return cardinal(digits, british);
  const int high = smallValue(digits.substr(0, 2));
  const int low = smallValue(digits.substr(2, 2));
  if (high % 10 == 0 && low < 10) {
    // 2000, 2005, 1007: "two thousand (and) five".
    return cardinal(digits, british);
  }
  if (low == 0) return underHundred(high) + " hundred";
  if (low < 10) return underHundred(high) + " oh " + kOnes[low];
  return underHundred(high) + " " + underHundred(low);
}

std::string NumberWords::decade(std::string_view digits, bool british) {
  if (digits.size() == 2) return toPlural(underHundred(smallValue(digits)));
  return toPlural(year(digits, british));
}

std::string NumberWords::digitByDigit(std::string_view digits, std::string_view zero) {
  std::string words;
  words.reserve(digits.size() * 6);
  for (char c : digits) {
    if (c < '0' || c > '9') continue;
    if (!words.empty()) words += ' ';
    if (c == '0') words += zero;
    else words += kOnes[c - '0'];
  }
  return words;
}

std::string NumberWords::decimal(std::string_view integerDigits, std::string_view fractionDigits, bool british) {
  std::string words;
  if (!integerDigits.empty()) {
    // British speakers commonly say "nought point five".
    words = british && withoutLeadingZeros(integerDigits).empty() ? "nought" : cardinal(integerDigits, british);
  }
  appendWord(words, "point");
  appendWord(words, digitByDigit(fractionDigits));
  return words;
}

int NumberWords::romanValue(std::string_view letters) {
  if (letters.empty() || letters.size() > 15) return 0;
  auto value = [](char c) {
    switch (c) {
      case 'I': return 1;
      case 'V': return 5;
      case 'X': return 10;
      case 'L': return 50;
      case 'C': return 100;
      case 'D': return 500;
      case 'M': return 1000;
      default: return 0;
    }
  };
  int total = 0;
  for (size_t i = 0; i < letters.size(); ++i) {
    const int v = value(letters[i]);
    if (v == 0) return 0;
    const int next = i + 1 < letters.size() ? value(letters[i + 1]) : 0;
    total += next > v ? -v : v;
  }
  if (total <= 0 || total >= 4000) return 0;
  // Only the canonical spelling counts ("IIII", "VX" and "IM" are not numerals).
  static const std::array<std::pair<int, const char*>, 13> parts = {{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"},
                                                                     {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"},
                                                                     {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}};
  std::string canonical;
  int rest = total;
  for (const auto& [amount, spelling] : parts) {
    while (rest >= amount) {
      canonical += spelling;
      rest -= amount;
    }
  }
  return canonical == letters ? total : 0;
}

}  // namespace kokoro
