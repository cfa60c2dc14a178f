// Builds normalized text together with the input offset of every byte (see TextNormalizer.h
// for the mapping contract), and keeps spoken words apart from their neighbours by spaces.
#pragma once

#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/TextNormalizer.h"

namespace kokoro {

class OffsetTextBuilder {
 public:
  OffsetTextBuilder(std::string_view source);

  // Input bytes [begin, end) unchanged.
  void copy(size_t begin, size_t end);
  // Spoken words for the written token starting at `sourceOffset`, with a space before and
  // after unless punctuation or a space already separates them. A space put before them maps
  // to `separatorOffset` (default: `sourceOffset`), e.g. the written space between two tokens.
  void words(std::string_view spoken, size_t sourceOffset, size_t separatorOffset = SIZE_MAX);
  // Punctuation said as a pause (", " between digit groups), attached to the previous word.
  void punctuation(std::string_view mark, size_t sourceOffset);
  // The last output byte, or 0 when nothing was written.
  char lastByte() const { return text_.empty() ? '\0' : text_.back(); }

  NormalizedText finish() &&;

 private:
  void put(std::string_view bytes, size_t sourceOffset);

  std::string_view source_;
  std::string text_;
  std::vector<uint32_t> offsets_;
  uint32_t lastOffset_ = 0;
  bool separatorDue_ = false;
};

}  // namespace kokoro
