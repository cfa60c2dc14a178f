// How the process allocates tensor memory: the pooling CPU allocator (TensorPool.h) for large
// tensors, on by default, and optional glibc malloc settings.
//
// libtorch allocates every CPU tensor with malloc. glibc serves blocks above its mmap threshold
// with mmap (returned to the system on free), but it raises that threshold up to 32 MiB each time
// a large mmapped block is freed, after which activations (tens of MiB each) come from the heap
// arenas, stay there after an inference and fragment: the process grew to 2.1-2.3 GB where one
// inference needs ~250 MB. Fixing the threshold keeps large tensors in mmap.
#pragma once

#include <cstddef>
#include <string>

namespace kokoro {

struct AllocatorSettings {
  std::string allocator;   // "glibc", or the library that provides malloc when it is not glibc's
  bool tuned = false;      // whether this package changed any setting
  long mmapThresholdBytes = -1;  // -1: glibc's default (dynamic) threshold
  long trimThresholdBytes = -1;
  int arenaMax = -1;             // -1: glibc's default (8 per core)
  bool tensorPool = false;       // large CPU tensors come from the bounded pool
  size_t poolMinBlockBytes = 0;
  size_t poolCacheLimitBytes = 0;
  std::string description;       // one line for runtimeInfo() and `kokoro-native info`
};

// Applies the package's settings once (called when the addon loads) and returns what is in
// effect. The tensor pool is installed unless KOKORO_TENSOR_POOL=0; KOKORO_TENSOR_POOL_MIB sets
// its cache bound (default 256). With the pool, glibc's mmap threshold is fixed at 128 KiB
// (unless KOKORO_MALLOC_TUNING=0); the other glibc settings apply only with
// KOKORO_MALLOC_TUNING=1. A setting the user gave glibc through its own variable
// (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_ARENA_MAX) wins; nothing is changed
// when malloc is not glibc's.
const AllocatorSettings& configureAllocator();

// Gives the tensor pool's cached blocks back to the system, when the pool is installed. Called
// after loading a model: the blocks freed while loading (a checkpoint's halves of weight norm)
// are of sizes inference rarely asks for.
void releaseCachedTensorBlocks();

}  // namespace kokoro
