// Reading UTF-8 one code point at a time, tolerant of malformed input.
#pragma once

#include <string_view>
#include <utility>

namespace kokoro {

// The code point starting at byte `i` of `s` and its length in bytes; a malformed or truncated
// sequence counts as one byte (its value is then the byte itself).
inline std::pair<char32_t, size_t> codePointAt(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
  if (i + len > s.size()) len = 1;
  char32_t cp = len == 1 ? lead : lead & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {cp, len};
}

}  // namespace kokoro
