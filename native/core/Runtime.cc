#include "core/Runtime.h"

#include <dlfcn.h>

#include <ATen/Context.h>
#include <cstdlib>
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "core/Allocator.h"
#include "core/Error.h"
#include "core/KokoroOps.h"

#include "core/PoolingCpuAllocator.h"
#include "core/Precision.h"

namespace kokoro {
namespace {

// BLAS is linked by libtorch, not by us: ask the dynamic linker which library serves sgemm_.
template <typename Fn>
Fn findSymbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

// oneDNN (libdnnl, linked by libtorch) through its C API, found at run time: no header needed.
struct OneDnnVersion {
  int major, minor, patch;
  const char* hash;
  unsigned cpuRuntime, gpuRuntime;
};

std::string describeOneDnn() {
  using VersionFn = const OneDnnVersion* (*)();
  using IsaFn = int (*)();
  using IsaNameFn = const char* (*)(int);
  auto version = findSymbol<VersionFn>("dnnl_version");
  if (version == nullptr) return "";
  const OneDnnVersion* v = version();
  std::string text = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                     std::to_string(v->patch);
  auto isa = findSymbol<IsaFn>("dnnl_get_effective_cpu_isa");
  auto isaName = findSymbol<IsaNameFn>("dnnl_cpu_isa2str");
  if (isa != nullptr && isaName != nullptr) text += std::string(", ") + isaName(isa());
  if (!at::globalContext().userEnabledMkldnn()) text += " (disabled)";
  return text;
}

}  // namespace

RuntimeInfo queryRuntime() {
  RuntimeInfo info;
  info.torchVersion = KOKORO_TORCH_BUILD_VERSION;
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info where{};
  if (sgemm != nullptr && dladdr(sgemm, &where) != 0 && where.dli_fname != nullptr) {
    info.blasLibrary = where.dli_fname;
  }
  using ConfigFn = char* (*)();
  using ThreadsFn = int (*)();
  if (auto config = findSymbol<ConfigFn>("openblas_get_config")) {
    info.blas = config();
    if (auto threads = findSymbol<ThreadsFn>("openblas_get_num_threads")) info.blasThreads = threads();
  } else if (findSymbol<void*>("mkl_get_max_threads") != nullptr) {
    info.blas = "Intel MKL";
  } else if (!info.blasLibrary.empty()) {
    info.blas = "reference BLAS (" + info.blasLibrary + ")";
  } else {
    info.blas = "unknown";
  }
  info.defaultThreads = at::get_num_threads();
  info.cudaAvailable = torch::cuda::is_available();
  info.cudaDeviceCount = info.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
  info.parallelInfo = at::get_parallel_info();
  using CoreNameFn = char* (*)();
  if (auto coreName = findSymbol<CoreNameFn>("openblas_get_corename")) info.blasCoreType = coreName();
  info.onednn = describeOneDnn();
  info.cpuBf16 = cpuHasNativeBf16();
  info.allocator = configureAllocator().description;
  info.fusedKernels = fusedKernelsDescription();

  if (const PoolingCpuAllocator* pool = PoolingCpuAllocator::installed()) {
    info.tensorPool = pool->pool().stats();
    info.tensorPoolCacheLimitBytes = pool->pool().cacheLimitBytes();
  }
  return info;
}

void applyThreadCount(int threads) {
  if (threads < 1) return;
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  using SetThreadsFn = void (*)(int);
  static const auto setBlasThreads = findSymbol<SetThreadsFn>("openblas_set_num_threads");
  // libtorch's thread setting does not reach OpenBLAS, which keeps a process-wide pool: give
  // it the same count (measured: on par with 1 BLAS thread, and one knob for the user).
  if (setBlasThreads != nullptr) setBlasThreads(threads);
}

bool jitOptimizeWanted(bool onCuda) {
  const char* forced = std::getenv("KOKORO_JIT_OPTIMIZE");
  if (forced != nullptr && std::string(forced) == "1") return true;
  if (forced != nullptr && std::string(forced) == "0") return false;
  return onCuda;
}

std::string resolveDevice(const std::string& device) {
  const bool cudaAvailable = torch::cuda::is_available();
  if (device == "auto") return cudaAvailable ? "cuda" : "cpu";
  if (device == "cpu") return device;
  if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
    if (!cudaAvailable) {
      throw KokoroError(codes::kDeviceUnavailable,
                        "device '" + device + "' was requested but this libtorch (" +
                            KOKORO_TORCH_BUILD_VERSION +
                            ") has no usable CUDA device. Use device 'cpu' or 'auto', or rebuild "
                            "kokoro-native against a CUDA libtorch (LIBTORCH=/path/to/libtorch "
                            "npm rebuild kokoro-native).");
    }
    if (device.size() > 5) {
      const std::string index = device.substr(5);
      const bool numeric = !index.empty() && index.find_first_not_of("0123456789") == std::string::npos;
      if (!numeric || std::stoll(index) >= static_cast<long long>(torch::cuda::device_count())) {
        throw KokoroError(codes::kDeviceUnavailable,
                          "device '" + device + "' does not exist: " +
                              std::to_string(torch::cuda::device_count()) + " CUDA device(s) visible.");
      }
    }
    return device;
  }
  throw KokoroError(codes::kInvalidArgument,
                    "unknown device '" + device + "': use 'cpu', 'cuda', 'cuda:N' or 'auto'");
}

}  // namespace kokoro
