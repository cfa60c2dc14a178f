// Abbreviations and titles read in context: what is said for them, and whether their full stop
// also ends the sentence. The one place for this rule: the normalizer expands abbreviations
// with it and the chunker asks it before cutting a sentence after a full stop.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kokoro {

struct AbbreviationReading {
  size_t end = 0;            // past the abbreviation and its full stop (if written)
  std::string spoken;        // "Doctor", "for example", "et cetera", "J"
  bool endsSentence = false; // the full stop also ends the sentence here
  size_t fullStop = 0;       // where that full stop is (when endsSentence)
};

class Abbreviations {
 public:
  // The abbreviation whose word starts at `begin` (a word start) in `text`, or nothing.
  // Covers titles (Dr. Mr. Mrs. Ms. Prof. St. ...; "Saint" before a name, "Street" after one),
  // Latin and other abbreviations (e.g. i.e. etc. vs. approx.), a.m./p.m., initialisms
  // (U.S.), initials in names (J. K. Rowling), and No./Fig./Vol. before a number.
  static std::optional<AbbreviationReading> read(std::string_view text, size_t begin);

  // Whether the full stop at `dot` belongs to an abbreviation that leaves the sentence open.
  static bool keepsSentenceOpen(std::string_view text, size_t dot);
};

}  // namespace kokoro
