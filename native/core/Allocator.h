// glibc malloc settings that let a long-running process give tensor memory back.
//
// libtorch allocates every CPU tensor with malloc. glibc serves blocks above its mmap threshold
// with mmap (returned to the system on free), but it raises that threshold up to 32 MiB each time
// a large mmapped block is freed, after which activations (tens of MiB each) come from the heap
// arenas, stay there after an inference and fragment: the process grew to 2.1-2.3 GB where one
// inference needs ~250 MB. Fixing the threshold keeps large tensors in mmap.
#pragma once

#include <string>

namespace kokoro {

struct AllocatorSettings {
  std::string allocator;   // "glibc", or the library that provides malloc when it is not glibc's
  bool tuned = false;      // whether this package changed any setting
  long mmapThresholdBytes = -1;  // -1: glibc's default (dynamic) threshold
  long trimThresholdBytes = -1;
  int arenaMax = -1;             // -1: glibc's default (8 per core)
  std::string description;       // one line for runtimeInfo() and `kokoro-native info`
};

// Applies the package's malloc settings once (called when the addon loads) and returns what is
// in effect. Skipped entirely with KOKORO_MALLOC_TUNING=0, and for each setting the user gave
// glibc through its own variable (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_,
// MALLOC_ARENA_MAX), which wins. Does nothing when malloc is not glibc's (jemalloc preloaded).
const AllocatorSettings& configureAllocator();

}  // namespace kokoro
