#include "core/SpeechStream.h"

#include <chrono>
#include <future>
#include <vector>

#include "core/Error.h"
#include "core/Limits.h"

namespace kokoro {
namespace {
constexpr size_t kFirstChunkBytes = 60;
// How often a producer waiting for its chunk looks whether the stream was cancelled.
constexpr std::chrono::milliseconds kCancelPoll{10};
}  // namespace

SpeechStream::SpeechStream(SpeechStreamOptions options)
    : options_(std::move(options)), queue_(options_.lookahead) {}

std::optional<InferenceResult> SpeechStream::synthesize(InferenceRequest&& request, JobPriority priority) {
  auto outcome = std::make_shared<std::promise<InferenceOutcome>>();
  std::future<InferenceOutcome> settled = outcome->get_future();
  auto job = std::make_shared<InferenceJob>(std::move(request), priority,
                                            [outcome](InferenceOutcome&& result) { outcome->set_value(std::move(result)); });
  options_.executor->submit(job);
  while (settled.wait_for(kCancelPoll) != std::future_status::ready) {
    if (queue_.cancelled()) {
      options_.executor->cancel(job);
      return std::nullopt;
    }
  }
  InferenceOutcome done = settled.get();
  if (done.error) std::rethrow_exception(done.error);
  return std::move(done.result);
}

void SpeechStream::run(const std::function<void(SpeechChunk&&)>& deliver) {
  TextChunker chunker(options_.text);
  // Pieces whose phonemes were too long come back here, split in two; the head goes first.
  std::vector<TextPiece> pending;
  size_t index = 0;
  while (!queue_.cancelled()) {
    TextPiece piece;
    if (!pending.empty()) {
      piece = std::move(pending.back());
      pending.pop_back();
    } else if (auto next = chunker.next()) {
      piece = std::move(*next);
    } else {
      return;
    }
    piece = trimmed(piece);
    if (piece.text.empty()) continue;
    // The listener waits for the first chunk: start with a clause rather than a whole long
    // sentence when the sentence has clause punctuation to cut at.
    if (index == 0 && piece.text.size() > kFirstChunkBytes) {
      if (auto halves = TextChunker::splitAtWeakestBoundary(piece, /*clausesOnly=*/true)) {
        pending.push_back(std::move(halves->second));
        pending.push_back(std::move(halves->first));
        continue;
      }
    }

    PhonemizedText phonemized = options_.phonemize(piece.text);
    std::string phonemes = std::move(phonemized.phonemes);
    const size_t tokens = options_.executor->model().tokenCount(phonemes);
    if (tokens == 0) continue;  // nothing pronounceable (symbols only): no chunk
    if (tokens > static_cast<size_t>(limits::maxTokensAt(options_.speed))) {
      if (auto halves = TextChunker::splitAtWeakestBoundary(piece)) {
        pending.push_back(std::move(halves->second));
        pending.push_back(std::move(halves->first));
        continue;
      }
      throw KokoroError(codes::kInputTooLong, "one character of text gave " + std::to_string(tokens) +
                                                  " phoneme tokens; the model takes at most " +
                                                  std::to_string(limits::maxTokensAt(options_.speed)) + " at this speed");
    }
    if (!queue_.acquire()) return;

    InferenceRequest request;
    request.phonemes = phonemes;
    request.voice = options_.voice;
    request.speed = options_.speed;
    if (options_.seed) request.seed = *options_.seed + index;
    auto result = synthesize(std::move(request), index == 0 ? JobPriority::kFirstAudio : JobPriority::kLaterAudio);
    if (!result) return;
    SpeechChunk chunk;
    chunk.result = std::move(*result);
    chunk.index = index++;
    chunk.text = std::move(piece);
    chunk.phonemes = std::move(phonemes);
    chunk.wordSources = std::move(phonemized.wordSources);
    produced_.fetch_add(1);
    if (queue_.cancelled()) return;
    deliver(std::move(chunk));
  }
}

}  // namespace kokoro
