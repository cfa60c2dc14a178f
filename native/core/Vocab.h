// Phoneme string -> token ids, as the official KModel does: one id per Unicode code point
// found in the vocab, code points outside it dropped, id 0 added at both ends.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace kokoro {

struct TokenizedPhonemes {
  std::vector<int64_t> ids;          // with the two 0 pads
  size_t codePoints = 0;             // of the input, dropped characters included
  std::vector<char32_t> dropped;     // distinct code points not in the vocab, in input order
};

class Vocab {
 public:
  Vocab() = default;
  explicit Vocab(std::unordered_map<char32_t, int64_t> ids) : ids_(std::move(ids)) {}

  // Throws KokoroError(kInvalidArgument) on malformed UTF-8.
  TokenizedPhonemes encode(const std::string& utf8) const;
  bool empty() const { return ids_.empty(); }
  size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<char32_t, int64_t> ids_;
};

// Decodes UTF-8 into code points; throws KokoroError(kInvalidArgument) naming the byte offset.
std::u32string decodeUtf8(const std::string& utf8);
std::string encodeUtf8(char32_t cp);

}  // namespace kokoro
