// Kokoro as a TorchScript module filled with an official checkpoint's tensors, and the one
// inference entry point. Immutable once loaded: any number of threads may call infer().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <ATen/ATen.h>
#include <torch/script.h>

#include "core/Limits.h"
#include "core/Precision.h"
#include "core/Vocab.h"

namespace kokoro {

// How a voice pack's row is chosen for an utterance.
enum class VoiceRowRule {
  kCodePointsMinusOne,  // v1.0: row = code points of the phoneme string - 1 (dropped ones count)
  kTokenCount,          // v0.19: row = number of tokens without pads
};

struct ModelSpec {
  std::string architecturePath;  // TorchScript: the shipped empty architecture, or a saved model
  std::string checkpointPath;    // official .pth; empty when architecturePath holds the weights
  std::string structureKey;      // from config.json, must equal the architecture's
  std::unordered_map<std::string, int64_t> sizes;  // config sizes named as in the shape spec
  int64_t albertHeads = 0;
  int64_t albertLayers = 0;
  Vocab vocab;
  VoiceRowRule voiceRowRule = VoiceRowRule::kCodePointsMinusOne;
  std::string device = "cpu";    // resolved: "cpu", "cuda", "cuda:N"
  int threads = 1;
  std::string precision = "fp32";  // "fp32", "bf16", "fp16" or "auto" (see Precision.h)
};

struct InferenceRequest {
  std::string phonemes;
  at::Tensor voice;              // [rows, 256] float32 pack, or [1, 256] one style row
  double speed = 1.0;
  std::optional<uint64_t> seed;  // none: a fresh random seed (reported back)
  bool withCurves = false;       // also return F0 and N
};

struct InferenceResult {
  std::vector<float> audio;      // 24 kHz mono
  std::vector<int64_t> durations;  // frames per token, pads included
  std::vector<float> f0, n;      // when requested
  std::vector<int64_t> tokenIds;
  std::u32string droppedCharacters;
  int64_t voiceRow = 0;
  uint64_t seed = 0;
};

// Copies to `device`; `nonBlocking` only from pinned memory to CUDA (ordered on the current
// stream, so later work on that stream sees the data).
at::Tensor toDevice(const at::Tensor& tensor, const c10::Device& device, bool nonBlocking);

// A request checked and tokenized, ready for a forward pass (alone or in a batch).
struct PreparedRequest {
  std::vector<int64_t> ids;      // token ids with both 0 pads
  at::Tensor style;              // [1, 256] float32, CPU
  double speed = 1.0;
  bool withCurves = false;
  InferenceResult result;        // tokenIds, droppedCharacters, voiceRow and seed filled in
};

// The decoder's random inputs for one request (see draw_source_noise in models/kokoro_ts).
struct SourceNoise {
  at::Tensor jitter;  // [1, 9]
  at::Tensor noise;   // [1, L, 9]
};

// What `predict` gives for one request: durations on the CPU, the decoder's inputs on the
// model's device (F = frames).
struct Prediction {
  at::Tensor durations;  // [T] int64, frames per token
  at::Tensor f0, n;      // [1, 2F]
  at::Tensor asr;        // [1, hidden, F]
  int64_t frames = 0;
};

// Seconds spent in each stage of a forward pass.
struct StageTimes {
  double predict = 0;
  double decode = 0;
};

class KModel {
 public:
  static std::shared_ptr<const KModel> load(const ModelSpec& spec);

  InferenceResult infer(const InferenceRequest& request) const;
  // infer() in two steps: prepare() validates (throws KokoroError on bad input) and
  // runPrepared() makes the audio with the batch-1 methods.
  PreparedRequest prepare(const InferenceRequest& request) const;
  InferenceResult runPrepared(PreparedRequest&& prepared, StageTimes* times = nullptr) const;
  // runPrepared's first stage (the batch-1 `predict` method); throws KokoroError when the
  // audio would be too long.
  Prediction predict(const PreparedRequest& prepared) const;
  // Drawn on the CPU from a generator seeded with `seed`, exactly as the official code draws
  // them; in pinned memory when the model runs on CUDA (for an asynchronous copy).
  SourceNoise drawSourceNoise(int64_t f0Length, uint64_t seed) const;
  // Whether the module has predict_batch/decode_batch (older saved TorchScript files do not).
  bool hasBatchMethods() const { return hasBatchMethods_; }
  // The TorchScript module, for batched passes (BatchRunner). Running methods is thread-safe.
  torch::jit::Module& module() const { return module_; }
  // Writes architecture + weights as one TorchScript file (loads without the checkpoint).
  void save(const std::string& path) const;

  // Tokens the model would get for `phonemes`, without pads (characters outside the vocab
  // do not count).
  size_t tokenCount(const std::string& phonemes) const { return vocab_.encode(phonemes).ids.size() - 2; }

  const std::string& device() const { return device_; }
  int threads() const { return threads_; }
  Precision precision() const { return precision_; }
  int64_t parameterCount() const { return parameterCount_; }
  static constexpr int64_t kMaxTokens = limits::kMaxTokens;
  static constexpr int64_t kStyleWidth = 256;

 private:
  struct ConstructionKey {};  // only load() makes models

 public:
  explicit KModel(ConstructionKey) {}

 private:

  mutable torch::jit::Module module_;  // run_method is not const; the module is never mutated
  Vocab vocab_;
  VoiceRowRule voiceRowRule_ = VoiceRowRule::kCodePointsMinusOne;
  std::string device_;
  int threads_ = 1;
  Precision precision_ = Precision::kFloat32;
  int64_t parameterCount_ = 0;
  bool hasBatchMethods_ = false;
};

}  // namespace kokoro
