// One inference request on its way through the Executor: what to run, how urgent it is, and
// how to hand back the outcome. The completion runs exactly once, on whichever thread settles
// the job (an executor thread, or the caller's thread when the job is rejected or cancelled
// before it started); it must not block for long.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include "core/Error.h"
#include "core/KModel.h"

namespace kokoro {

// Lower runs first. A stream's first chunk is what a listener waits for.
enum class JobPriority : int { kFirstAudio = 0, kLaterAudio = 1 };
inline constexpr int kJobPriorityLevels = 2;

struct InferenceOutcome {
  std::optional<InferenceResult> result;
  std::exception_ptr error;  // set when result is empty
};

class InferenceJob {
 public:
  using Completion = std::function<void(InferenceOutcome&&)>;

  InferenceJob(InferenceRequest request, JobPriority priority, Completion completion)
      : request_(std::move(request)), priority_(priority), completion_(std::move(completion)) {}
  // A job dropped unsettled (a bug) still settles, so that no caller waits forever.
  ~InferenceJob() {
    settle({std::nullopt, std::make_exception_ptr(KokoroError(codes::kInternal, "an inference job was dropped"))});
  }
  InferenceJob(const InferenceJob&) = delete;
  InferenceJob& operator=(const InferenceJob&) = delete;

  const InferenceRequest& request() const { return request_; }
  JobPriority priority() const { return priority_; }
  uint64_t sequence() const { return sequence_; }
  void setSequence(uint64_t sequence) { sequence_ = sequence; }

  // Asks the job to stop; the Executor settles it with KOKORO_ABORTED at the next point where
  // it can drop the job without touching the other members of its batch.
  void requestCancel() { cancelRequested_.store(true); }
  bool cancelRequested() const { return cancelRequested_.load(); }

  // Settles the job; later calls do nothing. Returns whether this call settled it.
  bool settle(InferenceOutcome&& outcome) {
    if (settled_.exchange(true)) return false;
    Completion completion = std::move(completion_);
    completion(std::move(outcome));
    return true;
  }
  bool settled() const { return settled_.load(); }

 private:
  InferenceRequest request_;
  JobPriority priority_;
  Completion completion_;
  uint64_t sequence_ = 0;
  std::atomic<bool> cancelRequested_{false};
  std::atomic<bool> settled_{false};
};

using JobPtr = std::shared_ptr<InferenceJob>;

}  // namespace kokoro
