#include "core/TensorPool.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // mremap
#endif
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <new>

namespace kokoro {
namespace {

size_t pageBytes() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

size_t roundUp(size_t value, size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

void* mapBlock(size_t bytes) {
  void* block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return block == MAP_FAILED ? nullptr : block;
}

}  // namespace

TensorPool::TensorPool(size_t minBlockBytes, size_t cacheLimitBytes)
    : minBlockBytes_(minBlockBytes == 0 ? 1 : minBlockBytes), cacheLimitBytes_(cacheLimitBytes) {}

TensorPool::~TensorPool() { trim(); }

size_t TensorPool::classBytes(size_t bytes) {
  if (bytes <= pageBytes()) return pageBytes();
  // bytes in (2^k, 2^(k+1)]: steps of 2^(k-2), so a block wastes at most a fifth of itself.
  const int k = 63 - __builtin_clzll(static_cast<unsigned long long>(bytes - 1));
  const size_t step = size_t{1} << (k >= 2 ? k - 2 : 0);
  return roundUp(roundUp(bytes, step), pageBytes());
}

void* TensorPool::allocate(size_t bytes) {
  const size_t mapped = classBytes(bytes);
  std::vector<Cached> victims;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto bucket = free_.find(mapped);
    if (bucket != free_.end() && !bucket->second.empty()) {
      // The most recently freed block of the class: the likeliest to be in the CPU's caches.
      const Recency::iterator entry = bucket->second.back();
      bucket->second.pop_back();
      void* block = entry->block;
      recency_.erase(entry);
      stats_.cachedBytes -= mapped;
      stats_.cachedBlocks -= 1;
      stats_.reuses += 1;
      markLiveLocked(block, mapped);
      return block;
    }
    // The pool's footprint, live plus cached, may grow up to the most bytes ever live at once,
    // never past it: a miss that would cross it first gives back cached memory (the longest
    // unused), so the process peaks at its peak of live tensors, as if every free had gone back
    // to the system (misses on several threads at once may each see room for their own block
    // and cross it by those blocks). Below that mark a miss keeps the cache, whose blocks later
    // requests of their sizes reuse: giving them back on every miss made each pass fault its
    // memory in afresh (BENCHMARKS.md, issue 8, fifth pass).
    const size_t live = stats_.liveBytes + mapped;
    const size_t ceiling = std::max(stats_.peakLiveBytes, live);
    if (live + stats_.cachedBytes > ceiling) victims = evictLocked(ceiling - live);
  }
  void* block = recycle(victims, mapped);
  unmap(victims);
  const bool recycled = block != nullptr;
  if (!recycled) block = mapBlock(mapped);
  if (block == nullptr) {
    trim();  // cached blocks of other classes may be what the system is missing
    block = mapBlock(mapped);
    if (block == nullptr) throw std::bad_alloc();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  markLiveLocked(block, mapped);
  if (recycled) {
    stats_.recycles += 1;
  } else {
    stats_.maps += 1;
  }
  return block;
}

void TensorPool::markLiveLocked(void* block, size_t mapped) {
  live_.emplace(block, mapped);
  stats_.liveBlocks += 1;
  stats_.liveBytes += mapped;
  stats_.peakLiveBytes = std::max(stats_.peakLiveBytes, stats_.liveBytes);
}

bool TensorPool::release(void* block) {
  std::vector<Cached> victims;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = live_.find(block);
    if (it == live_.end()) return false;
    const size_t mapped = it->second;
    live_.erase(it);
    stats_.liveBlocks -= 1;
    stats_.liveBytes -= mapped;
    if (mapped > cacheLimitBytes_) {
      victims.push_back({block, mapped});
    } else {
      free_[mapped].push_back(recency_.insert(recency_.end(), Cached{block, mapped}));
      stats_.cachedBytes += mapped;
      stats_.cachedBlocks += 1;
      victims = evictLocked(cacheLimitBytes_);
    }
  }
  unmap(victims);
  return true;
}

void TensorPool::trim() {
  std::vector<Cached> victims;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    victims = evictLocked(0);
  }
  unmap(victims);
}

TensorPoolStats TensorPool::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

std::vector<TensorPool::Cached> TensorPool::evictLocked(size_t keepBytes) {
  std::vector<Cached> victims;
  while (stats_.cachedBytes > keepBytes && !recency_.empty()) {
    const Cached oldest = recency_.front();
    // The globally oldest block is also the oldest of its class: the front of its deque.
    free_[oldest.bytes].pop_front();
    recency_.pop_front();
    stats_.cachedBytes -= oldest.bytes;
    stats_.cachedBlocks -= 1;
    victims.push_back(oldest);
  }
  return victims;
}

void* TensorPool::recycle(std::vector<Cached>& victims, size_t bytes) {
  if (victims.empty()) return nullptr;
  // The largest victim keeps the most pages that are already faulted in.
  auto largest = victims.begin();
  for (auto it = victims.begin(); it != victims.end(); ++it) {
    if (it->bytes > largest->bytes) largest = it;
  }
  // Resized in place where it shrinks (its tail goes back to the system) and moved only where it
  // must grow; either way its first pages stay resident, so the new tensor does not fault them
  // in and have the kernel zero them again.
  void* block = mremap(largest->block, largest->bytes, bytes, MREMAP_MAYMOVE);
  if (block == MAP_FAILED) return nullptr;  // the victim is still mapped: unmap() takes it
  victims.erase(largest);
  return block;
}

void TensorPool::unmap(const std::vector<Cached>& blocks) {
  for (const Cached& cached : blocks) munmap(cached.block, cached.bytes);
  if (blocks.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.unmaps += blocks.size();
}

}  // namespace kokoro
