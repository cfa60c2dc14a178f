// The CPU cores that the passes of one executor share when its threads are 'adaptive': a pass
// running alone takes every core (up to kMaxThreadsPerPass), and passes running at once split the
// cores between them, the earliest-started taking the remainder, so that one request alone gets
// the latency of all cores and a crowd gets one core per pass without oversubscribing them
// (measured on 2 cores: one executor of 2 threads gives a lone request 1.4x the speed of one
// thread, two executors of one thread give 8 streams 1.3x the throughput; BENCHMARKS.md).
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
  // Intra-op threads beyond this gain a Kokoro pass little (its convolutions are narrow).
  static constexpr int kMaxThreadsPerPass = 8;

  CoreShare(int cores, int seats);
  CoreShare(const CoreShare&) = delete;
  CoreShare& operator=(const CoreShare&) = delete;

  int cores() const { return cores_; }
  // Seat `seat` begins or ends a pass; every running seat's share is recomputed.
  void begin(int seat);
  void end(int seat);
  // The intra-op threads seat `seat` should run with now (its share while it runs a pass).
  int share(int seat) const { return shares_[static_cast<size_t>(seat)].load(std::memory_order_relaxed); }
  // The sum of the running seats' shares, and how many seats run.
  int threadsInUse() const;
  int running() const;

 private:
  void recomputeLocked();

  const int cores_;
  mutable std::mutex mutex_;
  std::vector<uint64_t> beganAt_;  // per seat: 0 idle, else the order in which its pass began
  uint64_t nextTicket_ = 1;
  std::vector<std::atomic<int>> shares_;
};

}  // namespace kokoro
