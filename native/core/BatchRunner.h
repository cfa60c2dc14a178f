// Runs a set of jobs through the model: `predict` item by item, then the decoder as batched
// passes (decode_batch, items grouped by frame count) where the model has batch methods, else
// everything with the batch-1 methods. Predict runs per item because the padded-batch predict
// (predict_batch) is correct but not bit-exact — its masked attention, LSTMs and norms sum in
// another order — and the decoder amplifies a 1-ulp change of F0 (near-silent STFT bins flip
// phase), while decode_batch on the same inputs gives the audio decoding alone gives; predict is
// a small share of a pass. Each job's noise comes from its own generator, drawn for its own
// length, so a request's audio does not depend on who it was batched with. Settles every job it
// is given.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "core/InferenceJob.h"
#include "core/KModel.h"

namespace kokoro {

// Told what a pass does as it happens (the Executor's statistics): each job is reported just
// before it is settled, so that a caller who sees its result also sees it counted.
class PassObserver {
 public:
  enum class Settled { kCompleted, kFailed, kCancelled };
  virtual ~PassObserver() = default;
  virtual void predictPass(size_t requests, double seconds) = 0;
  virtual void decodePass(double seconds) = 0;
  virtual void settling(Settled how, double audioSeconds) = 0;
};

class BatchRunner {
 public:
  explicit BatchRunner(std::shared_ptr<const KModel> model) : model_(std::move(model)) {}

  // `jobs` may hold one job or many; with more than one, the model must have batch methods.
  void run(const std::vector<JobPtr>& jobs, PassObserver& observer) const;

  // Decode groups: indices into `frames`, sorted by frame count, each group padding its
  // members by at most kDecodeSlack of the longest (decode cost grows with frames).
  static std::vector<std::vector<size_t>> decodeGroups(const std::vector<int64_t>& frames);
  static constexpr double kDecodeSlack = 0.25;

 private:
  struct Item {
    JobPtr job;
    PreparedRequest prepared;
  };
  void runAlone(Item& item, PassObserver& observer) const;
  void runBatched(std::vector<Item>& items, PassObserver& observer) const;

  std::shared_ptr<const KModel> model_;
};

}  // namespace kokoro
