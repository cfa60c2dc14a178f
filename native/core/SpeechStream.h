// One text-to-speech request as a stream: text -> pieces (TextChunker, cut to each chunk's
// ChunkBudget) -> phonemes (a phonemizer) -> audio (the model's Executor), chunk by chunk, paced by a StreamQueue. Runs on
// its own producer thread, which only phonemizes and waits: inference runs on the Executor,
// the first chunk ahead of other streams' later chunks. Knows nothing of JavaScript.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <ATen/ATen.h>

#include "core/ChunkBudget.h"
#include "core/Executor.h"
#include "core/FirstAudioPolicy.h"
#include "core/KModel.h"
#include "core/PhonemizedText.h"
#include "core/StreamQueue.h"
#include "core/TextChunker.h"

namespace kokoro {

struct SpeechChunk {
  size_t index = 0;
  TextPiece text;          // graphemes and their place in the input
  std::string phonemes;
  std::vector<std::pair<uint32_t, uint32_t>> wordSources;  // see PhonemizedText (offsets in text.text)
  InferenceResult result;
};


struct SpeechStreamOptions {
  std::shared_ptr<Executor> executor;
  std::string text;
  at::Tensor voice;                 // [rows, 256]
  double speed = 1.0;
  std::optional<uint64_t> seed;     // chunk i uses seed + i
  PhonemizeFn phonemize;
  size_t lookahead = 2;             // chunks made before the consumer asks
  // Phoneme tokens of the first chunk, doubling chunk by chunk (ChunkBudget); 0: whole sentences.
  double firstChunkTokens = ChunkBudget::kDefaultFirstChunkTokens;
};

class SpeechStream {
 public:
  // Throws KokoroError (kInvalidArgument) for a bad firstChunkTokens, before any work starts.
  explicit SpeechStream(SpeechStreamOptions options);

  // Produces every chunk, calling `deliver` for each in order. Returns when the text is done or
  // the stream was cancelled; throws (after delivering the earlier chunks) on the first error.
  void run(const std::function<void(SpeechChunk&&)>& deliver);

  StreamQueue& queue() { return queue_; }
  // Chunks synthesized so far (observable progress; stops growing once cancelled).
  size_t produced() const { return produced_.load(); }

 private:
  // Runs one chunk's inference on the executor; nullopt when the stream was cancelled.
  std::optional<InferenceResult> synthesize(InferenceRequest&& request, JobPriority priority);

  // The piece cut in two when its `tokens` exceed what the chunk at `index` may hold; nothing
  // when it fits (or cannot be cut and still fits the model).
  std::optional<std::pair<TextPiece, TextPiece>> cutToBudget(const TextPiece& piece, size_t tokens, size_t index) const;

  SpeechStreamOptions options_;
  size_t maxTokens_;  // the most one inference takes at the stream's speed
  ChunkBudget budget_;
  // Counts this stream among those waiting for first audio until its first chunk is made; the
  // first chunk's budget is chosen once, when its text is first phonemized.
  FirstAudioPolicy::Ticket firstAudioTicket_;
  bool firstBudgetChosen_ = false;
  StreamQueue queue_;
  std::atomic<size_t> produced_{0};
};

}  // namespace kokoro
