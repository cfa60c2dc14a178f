// Numbers as English words, the way a reader says them: cardinals, ordinals, years, decimals,
// digit strings. Numbers arrive as strings of ASCII digits so that any length is safe; beyond
// the largest named scale a number is read digit by digit. `british` adds the "and" that
// British English puts before the last two digits ("one hundred and five").
#pragma once

#include <string>
#include <string_view>

namespace kokoro {

class NumberWords {
 public:
  // Digits longer than this are read one by one instead of as a cardinal.
  static constexpr size_t kMaxCardinalDigits = 36;

  static std::string cardinal(std::string_view digits, bool british);
  // "1" -> "first", "22" -> "twenty-second".
  static std::string ordinal(std::string_view digits, bool british);
  // A four-digit year: "1999" -> "nineteen ninety-nine", "2005" -> "two thousand five".
  static std::string year(std::string_view digits, bool british);
  // "1990" -> "nineteen nineties", "1900" -> "nineteen hundreds", "80" -> "eighties".
  static std::string decade(std::string_view digits, bool british);
  // Each digit as a word ("0" read as `zero`, e.g. "oh" for phone numbers).
  static std::string digitByDigit(std::string_view digits, std::string_view zero = "zero");
  // "3", "14" -> "three point one four"; an empty integer part reads "point five".
  static std::string decimal(std::string_view integerDigits, std::string_view fractionDigits, bool british);
  // The last word of a spoken number made ordinal ("twenty-one" -> "twenty-first").
  static std::string toOrdinal(std::string words);
  // The last word made plural ("ninety" -> "nineties", "hundred" -> "hundreds").
  static std::string toPlural(std::string words);
  // The value of an upper-case Roman numeral (I..MMMCMXCIX) in canonical form, or 0.
  static int romanValue(std::string_view letters);
};

}  // namespace kokoro
