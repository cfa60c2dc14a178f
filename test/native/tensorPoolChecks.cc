// Checks of TensorPool (native/core/TensorPool.cc) on its own, compiled and run by
// test/native/tensorPool.test.ts (harness: checkMain.h).
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/TensorPool.h"
#include "checkMain.h"

using kokoro::TensorPool;

namespace {

constexpr size_t MiB = size_t{1} << 20;
using checks::expect;

// Resident bytes of the process (second field of /proc/self/statm, in pages).
size_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t total = 0, resident = 0;
  statm >> total >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// Whether [block, block + bytes) is still mapped: mincore fails with ENOMEM on unmapped pages.
bool mapped(void* block, size_t bytes) {
  std::vector<unsigned char> pages(bytes / static_cast<size_t>(sysconf(_SC_PAGESIZE)) + 1);
  return mincore(block, bytes, pages.data()) == 0;
}

void touch(void* block, size_t bytes, unsigned char value) { std::memset(block, value, bytes); }

void sizeClasses() {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  expect(TensorPool::classBytes(1) == page, "a tiny request gets one page");
  expect(TensorPool::classBytes(MiB) == MiB, "a power of two is its own class");
  expect(TensorPool::classBytes(MiB + 1) == MiB + MiB / 4, "just above 1 MiB rounds to 1.25 MiB");
  expect(TensorPool::classBytes(3 * MiB) == 3 * MiB, "3 MiB is a class (4 per power of two)");
  for (size_t bytes = MiB; bytes < 512 * MiB; bytes = bytes * 9 / 7 + 12345) {
    const size_t cls = TensorPool::classBytes(bytes);
    expect(cls >= bytes && cls % page == 0, "class of " + std::to_string(bytes) + " holds it in whole pages");
    expect(cls * 4 <= bytes * 5 + 4 * page, "class of " + std::to_string(bytes) + " wastes at most a quarter");
    expect(TensorPool::classBytes(cls) == cls, "a class size is its own class");
  }
}

void reuse() {
  TensorPool pool(MiB, 64 * MiB);
  void* first = pool.allocate(5 * MiB);
  touch(first, 5 * MiB, 7);
  expect(pool.release(first), "the pool takes back its own block");
  void* second = pool.allocate(5 * MiB - 1000);  // same class
  expect(second == first, "a freed block is reused for a request of its class");
  const unsigned char* bytes = static_cast<const unsigned char*>(second);
  expect(bytes[0] == 7 && bytes[5 * MiB - 1] == 7, "a reused block is not zeroed again (no page faults)");
  void* other = pool.allocate(9 * MiB);  // another class: a fresh block
  expect(other != first, "a request of another class gets its own block");
  const auto stats = pool.stats();
  expect(stats.reuses == 1 && stats.maps == 2, "one reuse, two mappings");
  expect(stats.liveBlocks == 2 && stats.cachedBlocks == 0, "both blocks live, none cached");
  int local = 0;
  expect(!pool.release(&local), "a pointer the pool did not give is refused");
  pool.release(second);
  pool.release(other);
}

void bound() {
  const size_t limit = 20 * MiB;
  TensorPool pool(MiB, limit);
  std::vector<void*> blocks;
  for (int i = 0; i < 12; ++i) blocks.push_back(pool.allocate(4 * MiB));
  for (void* block : blocks) {
    pool.release(block);
    expect(pool.stats().cachedBytes <= limit, "the cache never exceeds its bound");
  }
  const auto stats = pool.stats();
  expect(stats.cachedBytes == limit, "the cache keeps as much as its bound allows (5 blocks of 4 MiB)");
  expect(stats.unmaps == 7, "the other 7 blocks went back to the system");
  // The oldest blocks were evicted: the five released last are the ones kept.
  for (size_t i = 0; i < blocks.size(); ++i) {
    expect(mapped(blocks[i], 4 * MiB) == (i >= 7), "block " + std::to_string(i) + (i >= 7 ? " kept" : " unmapped"));
  }
  TensorPool noCache(MiB, 0);
  void* block = noCache.allocate(2 * MiB);
  noCache.release(block);
  expect(noCache.stats().cachedBytes == 0 && !mapped(block, 2 * MiB), "a zero bound caches nothing");
  TensorPool small(MiB, 3 * MiB);
  void* big = small.allocate(8 * MiB);
  small.release(big);
  expect(small.stats().cachedBlocks == 0 && !mapped(big, 8 * MiB), "a block larger than the bound is not cached");
}

void missGivesBack() {
  TensorPool pool(MiB, 64 * MiB);
  std::vector<void*> blocks;
  for (int i = 0; i < 3; ++i) {
    blocks.push_back(pool.allocate(4 * MiB));
    std::memset(blocks.back(), 10 + i, 4 * MiB);
  }
  for (void* block : blocks) pool.release(block);
  expect(pool.stats().cachedBytes == 12 * MiB, "three 4 MiB blocks cached");
  expect(pool.stats().peakLiveBytes == 12 * MiB, "12 MiB was the most live at once");
  auto* other = static_cast<unsigned char*>(pool.allocate(6 * MiB));  // another class: a miss
  const auto stats = pool.stats();
  expect(stats.cachedBytes == 4 * MiB && stats.unmaps == 1 && stats.recycles == 1 && stats.maps == 3,
         "a 6 MiB miss past the peak gives up two cached 4 MiB blocks: one resized into it, one unmapped");
  expect(stats.liveBytes + stats.cachedBytes <= 12 * MiB, "live plus cached stays within the earlier peak");
  expect(other[0] == 10 && other[4 * MiB - 1] == 10, "the resized block is the oldest one, its pages kept (a fresh mapping would read 0)");
  std::memset(other, 1, 6 * MiB);
  void* again = pool.allocate(4 * MiB);
  expect(again == blocks[2], "the block released last is the one left in the cache, and it still serves its class");
  pool.release(other);
  pool.release(again);
}

void missBelowPeakKeepsCache() {
  TensorPool pool(MiB, 8 * MiB);
  std::vector<void*> blocks;
  for (int i = 0; i < 3; ++i) blocks.push_back(pool.allocate(4 * MiB));
  for (void* block : blocks) pool.release(block);  // the bound keeps two of them
  expect(pool.stats().cachedBytes == 8 * MiB && pool.stats().unmaps == 1, "the bound unmapped one block");
  void* small = pool.allocate(2 * MiB);  // a miss: 2 live + 8 cached is below the 12 MiB peak
  const auto stats = pool.stats();
  expect(stats.cachedBytes == 8 * MiB && stats.maps == 4 && stats.recycles == 0 && stats.unmaps == 1,
         "a miss below the peak maps a new block and keeps the cache");
  expect(pool.allocate(4 * MiB) == blocks[2] && pool.allocate(4 * MiB) == blocks[1],
         "the cached blocks still serve their class");
  pool.release(small);
  pool.release(blocks[1]);
  pool.release(blocks[2]);
}

void returned() {
  TensorPool pool(MiB, 0);
  const size_t before = residentBytes();
  void* block = pool.allocate(64 * MiB);
  touch(block, 64 * MiB, 1);
  const size_t touched = residentBytes();
  expect(touched >= before + 60 * MiB, "a touched block is resident");
  pool.release(block);
  expect(residentBytes() + 60 * MiB <= touched, "a released block beyond the bound leaves the process's RSS");
  TensorPool caching(MiB, 128 * MiB);
  void* kept = caching.allocate(64 * MiB);
  touch(kept, 64 * MiB, 1);
  caching.release(kept);
  const size_t cached = residentBytes();
  caching.trim();
  expect(caching.stats().cachedBytes == 0, "trim empties the cache");
  expect(residentBytes() + 60 * MiB <= cached, "trim gives the cached memory back");
}

void alignment() {
  TensorPool pool(MiB, 32 * MiB);
  std::mt19937 random(3);
  std::vector<void*> blocks;
  for (int i = 0; i < 40; ++i) {
    void* block = pool.allocate(MiB + random() % (16 * MiB));
    expect(reinterpret_cast<uintptr_t>(block) % 64 == 0, "blocks are 64-byte aligned (libtorch's alignment)");
    expect(reinterpret_cast<uintptr_t>(block) % static_cast<uintptr_t>(sysconf(_SC_PAGESIZE)) == 0,
           "blocks are page-aligned");
    blocks.push_back(block);
  }
  for (void* block : blocks) pool.release(block);
}

void threads() {
  TensorPool pool(MiB, 48 * MiB);
  std::atomic<int> corrupt{0};
  std::vector<std::thread> workers;
  // Each thread allocates, fills with its own pattern, checks it, and frees, often blocks that
  // another thread allocated (handed over through a shared slot), like OpenMP workers do.
  std::vector<std::atomic<void*>> slots(8);
  std::vector<std::atomic<size_t>> slotBytes(8);
  for (auto& slot : slots) slot.store(nullptr);
  for (int t = 0; t < 6; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      for (int i = 0; i < 300; ++i) {
        const size_t bytes = MiB + random() % (6 * MiB);
        auto* block = static_cast<unsigned char*>(pool.allocate(bytes));
        const auto pattern = static_cast<unsigned char>(t * 31 + i);
        std::memset(block, pattern, bytes);
        if (block[0] != pattern || block[bytes - 1] != pattern || block[bytes / 2] != pattern) corrupt++;
        auto& slot = slots[random() % slots.size()];
        void* previous = slot.exchange(block);
        if (previous != nullptr) pool.release(previous);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  for (auto& slot : slots) {
    if (void* block = slot.exchange(nullptr)) pool.release(block);
  }
  const auto stats = pool.stats();
  expect(corrupt.load() == 0, "no block was handed to two owners at once");
  expect(stats.liveBlocks == 0 && stats.liveBytes == 0, "every block came back");
  expect(stats.cachedBytes <= 48 * MiB, "the bound holds under concurrency");
  expect(stats.reuses > 0, "blocks were reused across threads");
  expect(stats.maps == stats.unmaps + stats.cachedBlocks, "every mapping is either cached or unmapped");
}

}  // namespace

int main(int argc, char** argv) {
  return checks::run(argc, argv, {
      {"size-classes", sizeClasses}, {"reuse", reuse},         {"bound", bound},
      {"returned", returned},        {"alignment", alignment}, {"threads", threads},
      {"miss-gives-back", missGivesBack}, {"miss-below-peak", missBelowPeakKeepsCache},
  });
}
