#include "core/Allocator.h"

#include "core/PoolingCpuAllocator.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace kokoro {
namespace {

// Blocks from 256 KiB up are mmapped: every activation of the decoder, none of the small
// allocations of the text side (BENCHMARKS.md has the measured effect and cost).
constexpr long kMmapThreshold = 256 * 1024;
// With the pool on, the threshold stays at glibc's initial 128 KiB instead of climbing (glibc
// raises it to the size of every mmapped block freed, up to 32 MiB). Once it has climbed, the
// large blocks that are not tensors (audio buffers, libraries' own allocations) come from the
// thread arenas, where blocks of many sizes that live until the next garbage collection
// fragment them: a soak of rotating voices grew ~10 MB/min with arenas 3-4x their bytes in
// use, and stayed flat with the threshold fixed (BENCHMARKS.md, "Soak"). Tensors of that size
// are the pool's.
constexpr long kPooledMmapThreshold = 128 * 1024;
// Free space at the top of the heap above this much goes back to the system.
constexpr long kTrimThreshold = 1024 * 1024;
// Each thread that mallocs (libuv pool, OpenMP workers) would get its own arena, each keeping
// its own free lists; a few are enough for this workload.
constexpr int kArenaMax = 2;

// Tensors from 128 KiB up, glibc's mmap threshold, are pooled: every block glibc would map
// afresh on each allocation (and the kernel fault in and zero). The pool began at 1 MiB; the
// ~700 blocks of 128 KiB-1 MiB per 112-phoneme pass (the text side's activations, the
// decoder's early stages) then cost ~110,000 page faults per pass (BENCHMARKS.md, issue 8,
// fifth pass). Smaller tensors come from glibc's heap.
constexpr size_t kPoolMinBlock = size_t{128} << 10;
// Enough for the activations of a long utterance to be reused from one inference to the next
// (BENCHMARKS.md, issue 8); more would only raise the resting size of the process.
constexpr size_t kPoolCacheMiB = 256;
// The largest bound accepted from KOKORO_TENSOR_POOL_MIB (1 TiB).
constexpr unsigned long long kPoolCacheMaxMiB = 1ull << 20;

bool userSet(const char* variable) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0';
}

// A preloaded allocator replaces malloc for everyone; it is known by its own entry points (the
// address of malloc itself may be the executable's PLT stub, which tells nothing).
std::string mallocProvider() {
  if (dlsym(RTLD_DEFAULT, "mallctl") != nullptr) return "jemalloc";
  if (dlsym(RTLD_DEFAULT, "tc_malloc") != nullptr) return "tcmalloc";
  if (dlsym(RTLD_DEFAULT, "mi_malloc") != nullptr) return "mimalloc";
  return "glibc";
}

// KOKORO_TENSOR_POOL_MIB when it is a whole number in range, else the default.
size_t poolCacheBytes() {
  const char* text = std::getenv("KOKORO_TENSOR_POOL_MIB");
  unsigned long long mib = kPoolCacheMiB;
  if (text != nullptr && *text != '\0') {
    char* end = nullptr;
    const unsigned long long parsed = std::strtoull(text, &end, 10);
    if (*end == '\0' && text[0] != '-' && parsed <= kPoolCacheMaxMiB) mib = parsed;
  }
  return static_cast<size_t>(mib) << 20;
}

std::string poolDescription(const AllocatorSettings& settings) {
  if (!settings.tensorPool) return "";
  return "tensor pool (blocks >= " + std::to_string(settings.poolMinBlockBytes >> 10) + " KiB, cache <= " +
         std::to_string(settings.poolCacheLimitBytes >> 20) + " MiB), ";
}

void installPool(AllocatorSettings& settings) {
  const char* pool = std::getenv("KOKORO_TENSOR_POOL");
  if (pool != nullptr && std::strcmp(pool, "0") == 0) return;
  settings.tensorPool = true;
  settings.poolMinBlockBytes = kPoolMinBlock;
  settings.poolCacheLimitBytes = poolCacheBytes();
  PoolingCpuAllocator::install(settings.poolMinBlockBytes, settings.poolCacheLimitBytes);
}

AllocatorSettings apply() {
  AllocatorSettings settings;
  installPool(settings);
  settings.allocator = mallocProvider();
  const std::string pool = poolDescription(settings);
  if (settings.allocator != "glibc") {
    settings.description = pool + "malloc from " + settings.allocator + " (not tuned)";
    return settings;
  }
  // Opt-in: on an idle 2-core Zen 5 the fixed mmap threshold cut the 244-token peak from 2.9 GB
  // to 0.9 GB but made fp32 inference 1.65x slower (every large tensor a fresh, zeroed mapping;
  // BENCHMARKS.md). The tensor pool bounds memory without that cost.
  const char* tuning = std::getenv("KOKORO_MALLOC_TUNING");
  const bool untouched = tuning != nullptr && std::strcmp(tuning, "0") == 0;
  if (tuning == nullptr || std::strcmp(tuning, "1") != 0) {
    if (!untouched && settings.tensorPool && !userSet("MALLOC_MMAP_THRESHOLD_") &&
        mallopt(M_MMAP_THRESHOLD, kPooledMmapThreshold) == 1) {
      settings.mmapThresholdBytes = kPooledMmapThreshold;
      settings.tuned = true;
      settings.description = pool + "glibc, mmap threshold fixed at " + std::to_string(kPooledMmapThreshold / 1024) + " KiB";
    } else {
      settings.description = pool + "glibc defaults";
    }
    return settings;
  }
  std::string parts;
  auto note = [&parts](const std::string& part) { parts += (parts.empty() ? "" : ", ") + part; };
  if (!userSet("MALLOC_MMAP_THRESHOLD_") && mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1) {
    settings.mmapThresholdBytes = kMmapThreshold;
    note("mmap threshold " + std::to_string(kMmapThreshold / 1024) + " KiB");
  }
  if (!userSet("MALLOC_TRIM_THRESHOLD_") && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1) {
    settings.trimThresholdBytes = kTrimThreshold;
    note("trim threshold " + std::to_string(kTrimThreshold / 1024) + " KiB");
  }
  if (!userSet("MALLOC_ARENA_MAX") && mallopt(M_ARENA_MAX, kArenaMax) == 1) {
    settings.arenaMax = kArenaMax;
    note("at most " + std::to_string(kArenaMax) + " arenas");
  }
  settings.tuned = !parts.empty();
  settings.description = pool + (settings.tuned ? "glibc, " + parts : "glibc, settings from the environment");
  return settings;
}

}  // namespace

void releaseCachedTensorBlocks() {
  if (PoolingCpuAllocator* pool = PoolingCpuAllocator::installed()) pool->trim();
}

const AllocatorSettings& configureAllocator() {
  static const AllocatorSettings settings = apply();
  return settings;
}

}  // namespace kokoro
