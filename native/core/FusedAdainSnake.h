// The AdaIN + Snake chain of the iSTFTNet generator's residual blocks (AdaINResBlock1), as one
// CPU kernel (issue 8):
//
//   y   = (1 + gamma) * instance_norm(x) + beta          (statistics per row, eps 1e-5)
//   out = y + 1 / alpha * sin(alpha * y)^2                (Snake)
//
// x [B, C, T]; gamma, beta [B, C, 1] (the style's affine terms); alpha [1, C, 1].
//
// libtorch runs this as about ten passes over the tensor (two for the statistics, one to
// normalize, then one per multiplication, addition, sin and square, each allocating its result);
// the fused kernel makes three (two for the statistics, one that writes the result) and can
// write into x itself. In float32 it computes what libtorch's CPU kernels compute, bit for bit
// (1.13 and 2.6 tested): the statistics summed sequentially in double per row (as batch_norm's),
// the normalization as one fused multiply-add per element, the same order of roundings after it,
// and sin from the SLEEF function libtorch's vectorized sin calls, found by comparing candidates
// with libtorch's own sin (when libsleef is loaded with libtorch; otherwise libm's sinf, within a
// few ulp of it). In bfloat16 everything between the
// load and the store is float32, so the result is rounded once instead of after every op; on
// CPUs with AVX-512 BF16 that work is AdainSnakeBf16.h's (2.9-4.5x faster, the same result within
// one bfloat16 step), elsewhere the float32 path's arithmetic with vectorized statistics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kokoro {

// The computation above as libtorch ops, one by one: what the Python model runs.
at::Tensor adainSnakeReference(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                               const at::Tensor& alpha);

// Whether the fused kernel takes these arguments: CPU, float32 or bfloat16, x contiguous
// [B, C, T] with T >= 2 (instance_norm rejects one step), gamma/beta holding B * C values and alpha C values of x's type.
bool adainSnakeFusable(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                       const at::Tensor& alpha);

// The fused kernel: writes the result into `out` (x's shape and type, contiguous; may be x
// itself). Arguments must be fusable.
void adainSnakeFused(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                     const at::Tensor& alpha, at::Tensor& out);

// The fused kernel in two steps, for a caller that transforms x a slice of steps at a time (the
// tiled convolution, TiledSnakeConv.h): the statistics of every row over all its steps, then the
// element-wise pass of any slice, giving the same values as adainSnakeFused there.
struct AdainSnakeRow {
  float scale;    // 1 / sqrt(var + eps): the normalization's multiplier
  float shift;    // -mean * scale
  float gain;     // 1 + gamma
  float offset;   // beta
  float alpha;    // Snake's alpha
  float inverse;  // 1 / alpha
};

// One entry per row of x ([B, C, T] as [B * C] rows). Arguments must be fusable.
std::vector<AdainSnakeRow> adainSnakeRows(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                                          const at::Tensor& alpha);

// Writes the result for steps [begin, begin + count) of every row of x into steps
// [at, at + count) of the same row of `out` (contiguous [B, C, W], x's type).
void adainSnakeApply(const at::Tensor& x, const std::vector<AdainSnakeRow>& rows, int64_t begin, int64_t count,
                     at::Tensor& out, int64_t at);

// Which sin the fused kernel uses: "sleef" (libtorch's, bit-exact) or "libm".
std::string fusedSinSource();

}  // namespace kokoro
