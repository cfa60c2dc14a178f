// Web addresses as they are read aloud: "https://example.com/a" -> "example dot com slash a",
// "localhost:7860" -> "localhost colon seven eight six zero", "ann.lee@mail.org" -> "ann dot
// lee at mail dot org", "192.168.0.1" -> "one nine two dot one six eight dot zero dot one".
// Each part keeps the input offset it was read from.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokoro {

struct SpokenPart {
  std::string words;
  size_t sourceOffset = 0;
};

class WebAddressReader {
 public:
  // Each reads the whole of text[begin, end) (a run without spaces, trailing punctuation
  // already removed) or returns nothing when it is not such an address.
  static std::optional<std::vector<SpokenPart>> readUrl(std::string_view text, size_t begin, size_t end);
  static std::optional<std::vector<SpokenPart>> readEmail(std::string_view text, size_t begin, size_t end);
  // An IPv4 address (optionally with a port) starting at `begin`; `end` receives its end.
  static std::optional<std::vector<SpokenPart>> readIpAddress(std::string_view text, size_t begin, size_t* end);
};

}  // namespace kokoro
