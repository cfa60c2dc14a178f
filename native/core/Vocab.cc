#include "core/Vocab.h"

#include <algorithm>

#include "core/Error.h"

namespace kokoro {

std::u32string decodeUtf8(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      throw KokoroError(codes::kInvalidArgument,
                        "phoneme string is not valid UTF-8 (byte offset " + std::to_string(i) + ")");
    }
    char32_t cp = len == 1 ? lead : lead & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont >> 6) != 0x2) {
        throw KokoroError(codes::kInvalidArgument,
                          "phoneme string is not valid UTF-8 (byte offset " + std::to_string(i + k) + ")");
      }
      cp = (cp << 6) | (cont & 0x3F);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string encodeUtf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

TokenizedPhonemes Vocab::encode(const std::string& utf8) const {
  const std::u32string codePoints = decodeUtf8(utf8);
  TokenizedPhonemes result;
  result.codePoints = codePoints.size();
  result.ids.reserve(codePoints.size() + 2);
  result.ids.push_back(0);
  for (char32_t cp : codePoints) {
    auto it = ids_.find(cp);
    if (it != ids_.end()) {
      result.ids.push_back(it->second);
    } else if (std::find(result.dropped.begin(), result.dropped.end(), cp) == result.dropped.end()) {
      result.dropped.push_back(cp);
    }
  }
  result.ids.push_back(0);
  return result;
}

}  // namespace kokoro
