// Flow control between a stream's native producer and its JS consumer. The consumer grants
// credit (one per chunk it is ready to take); the producer waits for credit before making a
// chunk, so native work runs at most `credit` chunks ahead of the listener. Cancellation wakes
// the producer at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace kokoro {

class StreamQueue {
 public:
  explicit StreamQueue(size_t initialCredit) : credit_(initialCredit) {}

  // Blocks until one unit of credit is available (takes it, returns true) or the stream is
  // cancelled (returns false).
  bool acquire();
  void grant(size_t units);
  void cancel();
  bool cancelled() const { return cancelled_.load(); }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  size_t credit_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace kokoro
