// Units of measurement after a number: "5 km" -> "five kilometers" (British "kilometres"),
// "1 kg" -> "one kilogram", "20°C" -> "twenty degrees Celsius", "64 GB", "250 ms".
#pragma once

#include <optional>
#include <string_view>

namespace kokoro {

struct UnitMatch {
  size_t index = 0;   // into the unit table
  size_t length = 0;  // bytes of the written symbol
};

class SpokenUnits {
 public:
  // The unit symbol written at `begin`, ending at a word boundary. `spaced`: a space separates
  // it from the number, which ambiguous symbols ("s", "h", "in", "°") do not allow.
  static std::optional<UnitMatch> match(std::string_view text, size_t begin, bool spaced);
  static std::string_view name(const UnitMatch& unit, bool singular, bool british);
};

}  // namespace kokoro
