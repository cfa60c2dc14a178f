// The CPU cores that the passes of one executor share when its threads are 'adaptive': a pass
// running alone takes every core (up to a per-pass maximum), and passes running at once split the
// cores between them, the earliest-started taking the remainder, so that one request alone gets
// the latency of all cores and a crowd gets one core per pass without oversubscribing them
// (2 cores, BENCHMARKS.md stop 18: a lone 244-token request in 3.93 s, as on a fixed 2-thread
// executor, against 6.16 s on one thread; 8 streams 1.1x the audio per second of two fixed
// 1-thread executors and 1.3x that of one 2-thread executor).
// Each executor thread owns one seat; shares change when a pass begins or ends, and a running
// pass picks its new share up through IntraOpThreadsHook.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace kokoro {

class CoreShare {
 public:
  // `maxPerPass`: the most threads one pass takes (the JS layer's rule: 8, beyond which a Kokoro
  // pass gains little).
  CoreShare(int cores, int seats, int maxPerPass);
  CoreShare(const CoreShare&) = delete;
  CoreShare& operator=(const CoreShare&) = delete;

  int cores() const { return cores_; }
  int maxPerPass() const { return maxPerPass_; }
  // Seat `seat` begins or ends a pass; every running seat's share is recomputed.
  void begin(int seat);
  void end(int seat);
  // The intra-op threads seat `seat` should run with now (its share while it runs a pass).
  int share(int seat) const { return shares_[static_cast<size_t>(seat)].load(std::memory_order_relaxed); }
  // The sum of the running seats' shares.
  int threadsInUse() const;

 private:
  void recomputeLocked();

  const int cores_;
  const int maxPerPass_;
  mutable std::mutex mutex_;
  std::vector<uint64_t> beganAt_;  // per seat: 0 idle, else the order in which its pass began
  uint64_t nextTicket_ = 1;
  std::vector<std::atomic<int>> shares_;
};

}  // namespace kokoro
