#include "core/OffsetTextBuilder.h"

#include <algorithm>

namespace kokoro {
namespace {

// Characters that need no space between them and a preceding spoken word.
bool attachesToPrevious(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case '.': case ',': case ';': case ':': case '!': case '?': case ')': case ']': case '}': case '"': case '\'':
      return true;
    default:
      return false;
  }
}

// Characters after which a spoken word needs no space.
bool opensNext(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v': case '(': case '[': case '{': case '"': case '\'':
    case '\0':
      return true;
    default:
      return false;
  }
}

}  // namespace

OffsetTextBuilder::OffsetTextBuilder(std::string_view source) : source_(source) {
  text_.reserve(source.size() + source.size() / 4 + 16);
  offsets_.reserve(text_.capacity() + 1);
}

void OffsetTextBuilder::put(std::string_view bytes, size_t sourceOffset) {
  lastOffset_ = std::max(lastOffset_, static_cast<uint32_t>(sourceOffset));
  text_.append(bytes);
  offsets_.insert(offsets_.end(), bytes.size(), lastOffset_);
}

void OffsetTextBuilder::copy(size_t begin, size_t end) {
  if (begin >= end) return;
  if (separatorDue_ && !attachesToPrevious(source_[begin])) put(" ", begin);
  separatorDue_ = false;
  lastOffset_ = std::max(lastOffset_, static_cast<uint32_t>(begin));
  text_.append(source_.substr(begin, end - begin));
  for (size_t i = begin; i < end; ++i) offsets_.push_back(static_cast<uint32_t>(i));
  lastOffset_ = static_cast<uint32_t>(end - 1);
}

void OffsetTextBuilder::words(std::string_view spoken, size_t sourceOffset, size_t separatorOffset) {
  if (spoken.empty()) return;
  if (!opensNext(lastByte())) put(" ", separatorOffset == SIZE_MAX ? sourceOffset : separatorOffset);
  put(spoken, sourceOffset);
  separatorDue_ = true;
}

void OffsetTextBuilder::punctuation(std::string_view mark, size_t sourceOffset) {
  put(mark, sourceOffset);
  separatorDue_ = true;
}

NormalizedText OffsetTextBuilder::finish() && {
  offsets_.push_back(static_cast<uint32_t>(source_.size()));
  return NormalizedText{std::move(text_), std::move(offsets_)};
}

}  // namespace kokoro
