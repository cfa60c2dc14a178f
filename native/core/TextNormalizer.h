// Text normalization for the English front end: written forms (numbers, currency, times,
// dates, units, web addresses, phone numbers, symbols, abbreviations) become the words a
// reader would say, keeping for every output byte the byte of the input it came from, so that
// word timestamps still point at what the user wrote.
//
// Mapping contract: `sourceOffset` has one entry per output byte plus a final one (the input's
// size), never decreasing. Copied text maps byte for byte. Every byte of an expansion maps to
// the start of the written token it replaces, and the byte after it maps to (or past) the
// token's end: a run of output words with the same offset was said for one written token, and
// [sourceOffset[first], sourceOffset[one past last]) is that token. Long tokens read in parts
// (web addresses, phone numbers, "March 5") map each part to its own place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kokoro {

// Each family of written forms can be switched off; all are on by default.
struct NormalizationOptions {
  bool numbers = true;        // cardinals, ordinals, decimals, negatives, ranges, years, fractions, Roman numerals
  bool currency = true;       // $ £ € ¥ amounts, cents, k/m/bn suffixes
  bool time = true;           // 10:35 pm, 3:00, 5 p.m.
  bool dates = true;          // 2024-03-05, March 5, 5 March, 03/05/2024
  bool units = true;          // km, kg, mph, °C, GB, ms, ...
  bool urls = true;           // https://…, www.…, example.com, localhost:7860
  bool emails = true;         // name@example.com
  bool phones = true;         // phone numbers and IP addresses, digit by digit
  bool symbols = true;        // & @ + = # × ÷ ± ~
  bool abbreviations = true;  // Dr. Mr. St. e.g. etc. vs. No. and initials, without a sentence break
};

struct NormalizedText {
  std::string text;
  // text.size() + 1 entries: the input byte each output byte came from; last = input size.
  std::vector<uint32_t> sourceOffset;
};

class TextNormalizer {
 public:
  // `utf8` is read as UTF-8; malformed bytes are copied through unchanged. Inputs of 4 GiB or
  // more are refused (offsets are 32-bit) with a KokoroError.
  NormalizedText normalize(std::string_view utf8, const NormalizationOptions& options, bool british) const;
};

}  // namespace kokoro
