#include "core/TensorPool.h"

#include <sys/mman.h>
#include <unistd.h>

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
      live_.emplace(block, mapped);
      stats_.liveBlocks += 1;
      stats_.liveBytes += mapped;
      return block;
    }
    // A miss gives back as much cached memory (the longest unused) as it maps: the pool's
    // footprint, live plus cached, grows only when nothing is cached, so the process peaks at
    // its peak of live tensors, as if every free had gone back to the system.
    victims = evictLocked(stats_.cachedBytes > mapped ? stats_.cachedBytes - mapped : 0);
  }
  unmap(victims);
  void* block = mapBlock(mapped);
  if (block == nullptr) {
    trim();  // cached blocks of other classes may be what the system is missing
    block = mapBlock(mapped);
    if (block == nullptr) throw std::bad_alloc();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  live_.emplace(block, mapped);
  stats_.liveBlocks += 1;
  stats_.liveBytes += mapped;
  stats_.maps += 1;
  return block;
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

void TensorPool::unmap(const std::vector<Cached>& blocks) {
  for (const Cached& cached : blocks) munmap(cached.block, cached.bytes);
  if (blocks.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.unmaps += blocks.size();
}

}  // namespace kokoro
