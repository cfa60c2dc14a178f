// A bounded cache of large memory blocks for tensors, independent of libtorch (the adapter that
// plugs it into libtorch is PoolingCpuAllocator).
//
// Why: glibc serves the decoder's activations (tens of MiB each) either from its heap, where
// they stay after an inference (a 2.9 GB peak where one inference needs ~0.4 GB), or, with a
// fixed mmap threshold, from fresh mappings the kernel must fault in and zero on every use
// (1.65x slower). Here each block is mapped once, rounded up to a size class (4 per power of
// two: at most a quarter more than asked, and untouched pages cost no memory), and a freed block is
// kept for the next request of its class, already faulted in. The cache is bounded twice: live
// plus cached memory never exceeds the most memory ever live at once (a request the cache
// cannot serve that would cross that mark first gives up cached blocks, longest unused first,
// and the largest of them is resized into the new block with mremap, so its pages stay
// resident); and beyond `cacheLimitBytes` the longest-unused blocks are unmapped, so the
// process returns to (live tensors + bound) after every inference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace kokoro {

struct TensorPoolStats {
  size_t liveBlocks = 0;
  size_t liveBytes = 0;     // mapped bytes of the blocks handed out
  size_t cachedBlocks = 0;
  size_t cachedBytes = 0;   // mapped bytes of the blocks kept for reuse
  uint64_t maps = 0;        // blocks mapped from the system so far
  uint64_t reuses = 0;      // requests served from the cache so far
  uint64_t unmaps = 0;      // blocks given back to the system so far
  uint64_t recycles = 0;    // misses served by resizing a block the cache gave up (its pages kept)
  size_t peakLiveBytes = 0; // the most bytes live at once: the ceiling of live plus cached
};

class TensorPool {
 public:
  // Blocks of at least `minBlockBytes` are pooled (smaller ones are the caller's business);
  // at most `cacheLimitBytes` of freed blocks are kept.
  TensorPool(size_t minBlockBytes, size_t cacheLimitBytes);
  ~TensorPool();  // unmaps the cache; blocks still live are the owners' (never freed here)
  TensorPool(const TensorPool&) = delete;
  TensorPool& operator=(const TensorPool&) = delete;

  bool serves(size_t bytes) const { return bytes >= minBlockBytes_; }
  size_t cacheLimitBytes() const { return cacheLimitBytes_; }

  // A page-aligned block of at least `bytes` (>= minBlockBytes). Throws std::bad_alloc when the
  // system has no memory left, after giving the cache back and trying once more.
  void* allocate(size_t bytes);
  // Takes back a block from allocate(); returns false (and does nothing) for any other pointer.
  bool release(void* block);
  // Gives every cached block back to the system.
  void trim();
  TensorPoolStats stats() const;

  // The mapped size a request of `bytes` gets: a multiple of the page size, and of a quarter of
  // the largest power of two below it.
  static size_t classBytes(size_t bytes);

 private:
  struct Cached {
    void* block;
    size_t bytes;
  };
  using Recency = std::list<Cached>;  // oldest release first

  // Removes cached blocks, oldest first, until at most `keepBytes` stay; returns them for
  // unmapping outside the lock.
  std::vector<Cached> evictLocked(size_t keepBytes);
  // Records a block handed out (and the peak of live bytes).
  void markLiveLocked(void* block, size_t mapped);
  // A miss's evicted block resized to `bytes` (taken out of `victims`), or nullptr.
  void* recycle(std::vector<Cached>& victims, size_t bytes);
  void unmap(const std::vector<Cached>& blocks);

  const size_t minBlockBytes_;
  const size_t cacheLimitBytes_;
  mutable std::mutex mutex_;
  std::unordered_map<void*, size_t> live_;                          // block -> mapped bytes
  Recency recency_;
  std::unordered_map<size_t, std::deque<Recency::iterator>> free_;  // class -> its cached blocks, oldest first
  TensorPoolStats stats_;
};

}  // namespace kokoro
