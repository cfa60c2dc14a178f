#include "core/StreamQueue.h"

namespace kokoro {

bool StreamQueue::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return credit_ > 0 || cancelled_.load(); });
  if (cancelled_.load()) return false;
  --credit_;
  return true;
}

void StreamQueue::grant(size_t units) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    credit_ += units;
  }
  ready_.notify_all();
}

void StreamQueue::cancel() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_.store(true);
  }
  ready_.notify_all();
}

}  // namespace kokoro
