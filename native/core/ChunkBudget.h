// How many phoneme tokens each chunk of a stream may hold. A listener hears nothing until the
// first chunk is synthesized, so the first chunk is kept short; each later chunk may hold twice
// as many tokens as the one before — it is synthesized while the previous one plays, and a
// chunk twice as long still takes less time to make than the previous one takes to hear (the
// model runs several times faster than real time) — until the budget reaches the model's limit
// and chunks are whole sentences again. Short chunks cost prosody (each chunk is spoken as an
// utterance of its own), which is why only the opening of a stream pays for it.
#pragma once

#include <cstddef>

namespace kokoro {

class ChunkBudget {
 public:
  // Tokens of the first chunk when the caller does not choose (see BENCHMARKS.md, issue 9).
  static constexpr size_t kDefaultFirstChunkTokens = 16;

  // `firstChunkTokens` 0 turns the rule off (every chunk up to `maxTokens`, the most one
  // inference takes at the stream's speed). Above limits::kMaxTokens it is a KokoroError
  // (kInvalidArgument); between `maxTokens` and that it means no shortening.
  ChunkBudget(double firstChunkTokens, size_t maxTokens);

  // Tokens the chunk at `index` may hold: first × 2^index (the first at most its limit), at most
  // maxTokens.
  size_t tokensFor(size_t index) const;
  // Whether the chunk at `index` is cut shorter than its sentence would be.
  bool shortens(size_t index) const { return tokensFor(index) < maxTokens_; }
  // Whether the first chunk is short at all (firstChunkTokens not 0).
  bool fastStart() const { return firstChunkTokens_ != 0; }
  // Lowers the first chunk's budget only (FirstAudioPolicy); later chunks keep theirs.
  void limitFirstChunk(size_t tokens) { firstChunkLimit_ = tokens; }

 private:
  size_t firstChunkTokens_ = 0;
  size_t firstChunkLimit_ = 0;  // 0: none
  size_t maxTokens_;
};

}  // namespace kokoro
