#include "core/SpeechStream.h"

#include <chrono>
#include <future>
#include <vector>

#include "core/Error.h"
#include "core/Limits.h"

namespace kokoro {
namespace {
// How often a producer waiting for its chunk looks whether the stream was cancelled.
constexpr std::chrono::milliseconds kCancelPoll{10};
}  // namespace

SpeechStream::SpeechStream(SpeechStreamOptions options)
    : options_(std::move(options)),
      maxTokens_(static_cast<size_t>(limits::maxTokensAt(options_.speed))),
      budget_(options_.firstChunkTokens, maxTokens_),
      firstAudioTicket_(options_.executor->firstAudio().enter()),
      queue_(options_.lookahead) {}

std::optional<std::pair<TextPiece, TextPiece>> SpeechStream::cutToBudget(const TextPiece& piece, size_t tokens,
                                                                         size_t index) const {
  const size_t allowed = budget_.tokensFor(index);
  if (tokens <= allowed) return std::nullopt;
  std::optional<std::pair<TextPiece, TextPiece>> halves;
  // A short opening chunk: cut at a word boundary where the head's share of the bytes matches
  // its share of the tokens. The head is phonemized again and cut again if still too long.
  if (budget_.shortens(index)) halves = TextChunker::splitNear(piece, piece.text.size() * allowed / tokens);
  // Over the model's limit: the weakest boundary nearest the middle (inside a word only when
  // the piece is one very long word).
  if (!halves && tokens > maxTokens_) halves = TextChunker::splitAtWeakestBoundary(piece);
  return halves;
}

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
  // A stream that ends (done, cancelled or failed) no longer waits for first audio.
  struct ReleaseOnExit {
    FirstAudioPolicy::Ticket& ticket;
    ~ReleaseOnExit() { ticket.release(); }
  } releaseOnExit{firstAudioTicket_};
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
    PhonemizedText phonemized = options_.phonemize(piece.text);
    std::string phonemes = std::move(phonemized.phonemes);
    const size_t tokens = options_.executor->model().tokenCount(phonemes);
    if (tokens == 0) continue;  // nothing pronounceable (symbols only): no chunk
    if (index == 0 && !firstBudgetChosen_) {
      firstBudgetChosen_ = true;
      if (budget_.fastStart()) budget_.limitFirstChunk(options_.executor->firstAudio().firstChunkTokens(budget_.tokensFor(0)));
    }
    if (auto halves = cutToBudget(piece, tokens, index)) {
      pending.push_back(std::move(halves->second));
      pending.push_back(std::move(halves->first));
      continue;
    }
    if (tokens > maxTokens_) {
      throw KokoroError(codes::kInputTooLong, "one character of text gave " + std::to_string(tokens) +
                                                  " phoneme tokens; the model takes at most " +
                                                  std::to_string(maxTokens_) + " at this speed");
    }
    if (!queue_.acquire()) return;

    InferenceRequest request;
    request.phonemes = phonemes;
    request.voice = options_.voice;
    request.speed = options_.speed;
    if (options_.seed) request.seed = *options_.seed + index;
    auto result = synthesize(std::move(request), index == 0 ? JobPriority::kFirstAudio : JobPriority::kLaterAudio);
    if (!result) return;
    firstAudioTicket_.release();
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
