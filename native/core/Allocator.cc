#include "core/Allocator.h"

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
// Free space at the top of the heap above this much goes back to the system.
constexpr long kTrimThreshold = 1024 * 1024;
// Each thread that mallocs (libuv pool, OpenMP workers) would get its own arena, each keeping
// its own free lists; a few are enough for this workload.
constexpr int kArenaMax = 2;

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

AllocatorSettings apply() {
  AllocatorSettings settings;
  settings.allocator = mallocProvider();
  if (settings.allocator != "glibc") {
    settings.description = "malloc from " + settings.allocator + " (not tuned)";
    return settings;
  }
  // Opt-in: on an idle 2-core Zen 5 the fixed mmap threshold cut the 244-token peak from 2.9 GB
  // to 0.9 GB but made fp32 inference 1.65x slower (every large tensor a fresh, zeroed mapping;
  // BENCHMARKS.md), and speed is what most users came for.
  const char* tuning = std::getenv("KOKORO_MALLOC_TUNING");
  if (tuning == nullptr || std::strcmp(tuning, "1") != 0) {
    settings.description = "glibc defaults (KOKORO_MALLOC_TUNING=1 bounds memory)";
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
  settings.description = settings.tuned ? "glibc, " + parts : "glibc, settings from the environment";
  return settings;
}

}  // namespace

const AllocatorSettings& configureAllocator() {
  static const AllocatorSettings settings = apply();
  return settings;
}

}  // namespace kokoro
