#include "core/ChunkBudget.h"

#include <cmath>
#include <string>

#include "core/Error.h"
#include "core/Limits.h"

namespace kokoro {

ChunkBudget::ChunkBudget(double firstChunkTokens, size_t maxTokens) : maxTokens_(maxTokens) {
  if (!(firstChunkTokens >= 0 && firstChunkTokens <= static_cast<double>(limits::kMaxTokens)) ||
      std::floor(firstChunkTokens) != firstChunkTokens) {
    throw KokoroError(codes::kInvalidArgument, "firstChunkTokens must be an integer from 1 to " +
                                                   std::to_string(limits::kMaxTokens) +
                                                   " (phoneme tokens of a stream's first chunk), or 0 for whole sentences");
  }
  firstChunkTokens_ = static_cast<size_t>(firstChunkTokens);
}

size_t ChunkBudget::tokensFor(size_t index) const {
  if (firstChunkTokens_ == 0) return maxTokens_;
  size_t budget = firstChunkTokens_;
  for (size_t i = 0; i < index && budget < maxTokens_; ++i) budget *= 2;
  if (index == 0 && firstChunkLimit_ > 0 && firstChunkLimit_ < budget) budget = firstChunkLimit_;
  return budget < maxTokens_ ? budget : maxTokens_;
}

}  // namespace kokoro
