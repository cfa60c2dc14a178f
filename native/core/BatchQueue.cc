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
  available_.notify_one();
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

JobPtr BatchQueue::popLocked() {
  for (auto& level : levels_) {
    if (!level.empty()) {
      JobPtr job = std::move(level.front());
      level.pop_front();
      return job;
    }
  }
  return nullptr;
}

std::vector<JobPtr> BatchQueue::takeBatch(size_t maxSize, std::chrono::microseconds window) {
  std::vector<JobPtr> batch;
  std::unique_lock<std::mutex> lock(mutex_);
  available_.wait(lock, [this] { return closed_ || queuedLocked() > 0; });
  if (closed_) return batch;
  batch.push_back(popLocked());
  if (window.count() > 0 && maxSize > 1) {
    const auto deadline = std::chrono::steady_clock::now() + window;
    available_.wait_until(lock, deadline, [&] { return closed_ || queuedLocked() + batch.size() >= maxSize; });
  }
  while (batch.size() < maxSize) {
    JobPtr job = popLocked();
    if (!job) break;
    batch.push_back(std::move(job));
  }
  admitParkedLocked();
  const bool more = queuedLocked() > 0;
  lock.unlock();
  if (more) available_.notify_one();  // another executor may take what is left
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
