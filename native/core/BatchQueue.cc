#include "core/BatchQueue.h"

#include <algorithm>

namespace kokoro {

size_t BatchQueue::queuedLocked() const {
  size_t count = 0;
  for (const auto& level : levels_) count += level.size();
  return count;
}

BatchQueue::Admission BatchQueue::push(const JobPtr& job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return Admission::kClosed;
    job->setSequence(nextSequence_++);
    if (queuedLocked() >= capacity_) {
      if (whenFull_ == WhenFull::kReject) return Admission::kRejected;
      parked_.push_back(job);
      return Admission::kParked;
    }
    levels_[static_cast<int>(job->priority())].push_back(job);
  }
  // All: an executor waiting for company must see a more urgent arrival.
  available_.notify_all();
  return Admission::kQueued;
}

bool BatchQueue::remove(const JobPtr& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto erase = [&job](std::deque<JobPtr>& from) {
    auto it = std::find(from.begin(), from.end(), job);
    if (it == from.end()) return false;
    from.erase(it);
    return true;
  };
  if (erase(parked_)) return true;
  if (!erase(levels_[static_cast<int>(job->priority())])) return false;
  admitParkedLocked();
  return true;
}

void BatchQueue::admitParkedLocked() {
  while (!parked_.empty() && queuedLocked() < capacity_) {
    JobPtr job = std::move(parked_.front());
    parked_.pop_front();
    levels_[static_cast<int>(job->priority())].push_back(std::move(job));
  }
}

int BatchQueue::mostUrgentLocked() const {
  for (int level = 0; level < kJobPriorityLevels; ++level) {
    if (!levels_[level].empty()) return level;
  }
  return kJobPriorityLevels;
}

std::vector<JobPtr> BatchQueue::takeBatch(size_t maxSize, std::chrono::microseconds window) {
  std::vector<JobPtr> batch;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    available_.wait(lock, [this] { return closed_ || queuedLocked() > 0; });
    if (closed_) return batch;
    const int level = mostUrgentLocked();
    if (window.count() > 0 && maxSize > 1 && levels_[level].size() < maxSize) {
      // The jobs stay queued while they wait for company (a cancel still removes them); a
      // more urgent arrival ends the wait and is served first.
      const auto deadline = std::chrono::steady_clock::now() + window;
      available_.wait_until(lock, deadline, [&] {
        return closed_ || levels_[level].size() >= maxSize || mostUrgentLocked() != level;
      });
      if (closed_) return batch;
      if (mostUrgentLocked() != level) continue;
    }
    break;
  }
  // One priority per pass: a first chunk never waits for later chunks' predict and decode.
  std::deque<JobPtr>& from = levels_[mostUrgentLocked()];
  while (batch.size() < maxSize && !from.empty()) {
    batch.push_back(std::move(from.front()));
    from.pop_front();
  }
  admitParkedLocked();
  const bool more = queuedLocked() > 0;
  lock.unlock();
  if (more) available_.notify_all();  // another executor may take what is left
  return batch;
}

std::vector<JobPtr> BatchQueue::close() {
  std::vector<JobPtr> abandoned;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    for (auto& level : levels_) {
      abandoned.insert(abandoned.end(), level.begin(), level.end());
      level.clear();
    }
    abandoned.insert(abandoned.end(), parked_.begin(), parked_.end());
    parked_.clear();
  }
  available_.notify_all();
  return abandoned;
}

size_t BatchQueue::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queuedLocked() + parked_.size();
}

}  // namespace kokoro
