// conv1d(AdaIN + Snake(x)) of the generator's residual blocks, run over fixed-width time tiles
// (issue 8, fp32 peak memory):
//
//   out = conv1d(adain_snake(x, gamma, beta, alpha), weight, bias, stride 1, padding, dilation)
//   (with `accumulate`: accumulate += out, in place)
//
// Run whole, the convolution's input (the Snake output) is one more tensor of the stage's size,
// and oneDNN reorders both its input and output to a blocked layout: at 128 channels x ~90k steps
// three extra ~44 MiB tensors at the process's peak. Tiled, those are a tile's size. The
// normalization's statistics are still taken over all of x first; each tile then transforms its
// steps plus the convolution's halo (zeros beyond x's ends, as the convolution's own padding
// gives) and runs the same convolution, padding included, over them. Every output is the same
// dot product in the same order as the whole convolution's, so in float32 the result is the
// untiled one bit for bit (checked by test/native/fusedKernels.test.ts). Every tile has the
// same width whatever T is (the last one overlaps its predecessor), so oneDNN's primitive cache
// sees one shape per convolution instead of one per input length.
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>
#include <c10/util/Optional.h>

namespace kokoro {

// The tile width the registered operator uses: 2,048 steps (1 MiB at 128 float32 channels).
// Process peaks for 244 tokens (fp32), repeated runs in stop 16: 749-750 MiB at 2,048; 752 or 765
// at 4,096 and 756-771 at 8,192 (two modes, the upper one over the 763 MiB target). With stop 17's
// tensor pool, 752-762 MiB at 2,048. Narrower tiles are
// more parallel regions (reorders, convolution, copies): 244 tokens cost 1.14x the whole
// convolutions at 2,048 (idle, alternated), so KokoroOps tiles only stages large enough to set
// the peak (BENCHMARKS.md).
constexpr int64_t kSnakeConvTileSteps = 2048;

// x [B, C, T]; gamma, beta [B, C, 1]; alpha [1, C, 1]; weight [C_out, C, K] with "same" padding
// (2 * padding == dilation * (K - 1)); accumulate, when given, [B, C_out, T] of x's type and
// returned. Tiles of `tileSteps` steps when the fused kernel takes the arguments, T exceeds one
// tile and a tile is large enough for libtorch to run it with oneDNN, as the whole convolution;
// otherwise the whole convolution (libtorch's unfused ops when KOKORO_FUSED=0).
at::Tensor snakeConv(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& alpha,
                     const at::Tensor& weight, const c10::optional<at::Tensor>& bias, int64_t padding,
                     int64_t dilation, const c10::optional<at::Tensor>& accumulate,
                     int64_t tileSteps = kSnakeConvTileSteps);

}  // namespace kokoro
