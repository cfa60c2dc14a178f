// The Executor's bounded submission queue: jobs ordered by priority, then by arrival. Executor
// threads take batches from it: the most urgent job, then up to maxSize - 1 companions of the
// same priority, waiting at most `window` for company (0: batch what is already queued, never
// delay) unless a more urgent job arrives meanwhile, which is served first. When full, a
// submission is rejected or parked (FIFO) until room frees, as configured; submitting never
// blocks the caller.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "core/InferenceJob.h"

namespace kokoro {

enum class WhenFull { kReject, kWait };

class BatchQueue {
 public:
  enum class Admission { kQueued, kParked, kRejected, kClosed };

  BatchQueue(size_t capacity, WhenFull whenFull) : capacity_(capacity), whenFull_(whenFull) {}

  Admission push(const JobPtr& job);
  // Removes a job that has not started; false when it is not waiting here (running or done).
  bool remove(const JobPtr& job);
  // Blocks until a job is available; returns an empty batch once closed.
  std::vector<JobPtr> takeBatch(size_t maxSize, std::chrono::microseconds window);
  // Stops every takeBatch and returns the jobs that never started.
  std::vector<JobPtr> close();
  // Jobs waiting to run (queued and parked).
  size_t waiting() const;

 private:
  size_t queuedLocked() const;
  void admitParkedLocked();
  // The lowest non-empty priority level; kJobPriorityLevels when none.
  int mostUrgentLocked() const;

  const size_t capacity_;
  const WhenFull whenFull_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::deque<JobPtr> levels_[kJobPriorityLevels];
  std::deque<JobPtr> parked_;
  uint64_t nextSequence_ = 0;
  bool closed_ = false;
};

}  // namespace kokoro
