#include "core/CoreShare.h"

#include <algorithm>

namespace kokoro {

CoreShare::CoreShare(int cores, int seats, int maxPerPass)
    : cores_(std::max(1, cores)), maxPerPass_(std::max(1, maxPerPass)), beganAt_(static_cast<size_t>(std::max(1, seats)), 0),
      shares_(static_cast<size_t>(std::max(1, seats))) {
  recomputeLocked();  // every seat idle: each starts from the whole share
}

void CoreShare::begin(int seat) {
  std::lock_guard<std::mutex> lock(mutex_);
  beganAt_[static_cast<size_t>(seat)] = nextTicket_++;
  recomputeLocked();
}

void CoreShare::end(int seat) {
  std::lock_guard<std::mutex> lock(mutex_);
  beganAt_[static_cast<size_t>(seat)] = 0;
  recomputeLocked();
}

void CoreShare::recomputeLocked() {
  std::vector<size_t> running;
  for (size_t seat = 0; seat < beganAt_.size(); ++seat) {
    if (beganAt_[seat] != 0) running.push_back(seat);
  }
  // Idle seats hold the whole machine's share: that is what their next pass starts from.
  const int alone = std::min(cores_, maxPerPass_);
  for (size_t seat = 0; seat < beganAt_.size(); ++seat) {
    if (beganAt_[seat] == 0) shares_[seat].store(alone, std::memory_order_relaxed);
  }
  if (running.empty()) return;
  // The remainder goes to the passes that began first: they are the nearest to finishing.
  std::sort(running.begin(), running.end(), [this](size_t a, size_t b) { return beganAt_[a] < beganAt_[b]; });
  const int count = static_cast<int>(running.size());
  const int base = cores_ / count;
  const int remainder = cores_ % count;
  for (int rank = 0; rank < count; ++rank) {
    const int share = std::clamp(base + (rank < remainder ? 1 : 0), 1, maxPerPass_);
    shares_[running[static_cast<size_t>(rank)]].store(share, std::memory_order_relaxed);
  }
}

int CoreShare::threadsInUse() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int sum = 0;
  for (size_t seat = 0; seat < beganAt_.size(); ++seat) {
    if (beganAt_[seat] != 0) sum += shares_[seat].load(std::memory_order_relaxed);
  }
  return sum;
}

}  // namespace kokoro
