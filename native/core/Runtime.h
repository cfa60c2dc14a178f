// What the process runs with: libtorch version, BLAS library, threads, CUDA.
#pragma once

#include <optional>
#include <string>

#include "core/TensorPool.h"

namespace kokoro {

struct RuntimeInfo {
  std::string torchVersion;       // the libtorch this addon was built against
  std::string blas;               // e.g. "OpenBLAS 0.3.21 ..." or "reference BLAS (/usr/lib/...)"
  std::string blasLibrary;        // path of the shared object providing sgemm_, if found
  int blasThreads = 0;            // OpenBLAS's own pool size (0 if not OpenBLAS)
  int defaultThreads = 1;         // libtorch intra-op threads of a fresh thread
  bool cudaAvailable = false;
  int cudaDeviceCount = 0;
  std::string parallelInfo;       // libtorch's own description of its thread pools
  std::string blasCoreType;       // OpenBLAS's kernel set (openblas_get_corename), e.g. "SkylakeX"
  std::string onednn;             // oneDNN version and the instruction set it uses, if linked
  bool cpuBf16 = false;           // the CPU has native bf16 instructions ('auto' picks bf16)
  std::string allocator;          // malloc settings in effect (see Allocator.h)
  std::string fusedKernels;       // the fused CPU kernels in use (see KokoroOps.h)

  std::optional<TensorPoolStats> tensorPool;  // the pool's counters, when it is installed
  size_t tensorPoolCacheLimitBytes = 0;
};

RuntimeInfo queryRuntime();

// Intra-op threads for the calling thread (libtorch keeps this per OS thread with OpenMP) and
// the BLAS pool size. Called on each inference thread before it runs.
void applyThreadCount(int threads);

// Whether TorchScript's optimising (profiling) graph executor should run: on CUDA, where its
// fuser pays, and not on CPU, where it re-specialises for every input length and gains
// nothing. KOKORO_JIT_OPTIMIZE=1 / =0 forces it on / off.
bool jitOptimizeWanted(bool onCuda);

// Throws KokoroError(kDeviceUnavailable) when `device` ("cpu", "cuda", "cuda:N") cannot be
// used; "auto" resolves to "cuda" when available else "cpu". Returns the resolved device.
std::string resolveDevice(const std::string& device);

}  // namespace kokoro
