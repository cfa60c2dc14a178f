// The addon's own TorchScript operators (namespace `kokoro`), registered with libtorch when the
// addon loads, so that the exported archives can call torch.ops.kokoro.* (see
// models/kokoro_ts/fused.py, which registers the same schemas with a PyTorch reference for
// export and the Python tests).
//
//   kokoro::adain_snake(x, gamma, beta, alpha) -> Tensor   AdaIN then Snake (FusedAdainSnake.h)
//   kokoro::adain_snake_(x!, gamma, beta, alpha) -> x       the same, written into x
//
// On the CPU, in float32 or bfloat16, they run the fused kernel; elsewhere (CUDA, other types,
// or KOKORO_FUSED=0, read at every call so that a benchmark can alternate it) libtorch's ops
// one by one.
#pragma once

#include <string>

namespace kokoro {

// Whether the fused kernels run now: false when KOKORO_FUSED=0.
bool fusedKernelsEnabled();

// Whether the convolutions may run in time tiles (TiledSnakeConv.h, TiledConvTranspose.h): with the
// fused kernels, unless KOKORO_CONV_TILES=0 (whole convolutions: faster in fp32, higher peak). The
// registered operators tile only stage tensors of 32 MiB or more (KokoroOps.cc, kTileFromBytes).
bool convolutionTilesEnabled();

// One line for runtimeInfo() and `kokoro-native info`.
std::string fusedKernelsDescription();

}  // namespace kokoro
