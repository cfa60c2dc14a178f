// The bfloat16 AdaIN + Snake kernel for CPUs with AVX-512 BF16 (the CPUs on which precision
// 'auto' picks bfloat16). FusedAdainSnake.cc calls it for bfloat16 tensors where it is available.
//
// bfloat16 keeps 8 significant bits, so the float32 work between the load and the single
// rounding at the store needs only a small fraction of a bfloat16 step of accuracy, not
// libtorch's roundings bit for bit (the float32 kernel's contract). That buys, per 16 values:
//   - the statistics in float32 lanes, folded into double every block (no double per value);
//   - the normalization and the style's affine terms as one multiply-add;
//   - sin(a)^2 from a short polynomial after reducing a by multiples of pi (sin^2 has period
//     pi), in registers, instead of a call to SLEEF's general 1-ulp sin;
//   - the rounding to bfloat16 by the CPU's own instruction (round to nearest even).
// Measured on the full-size model's generator tensors: see BENCHMARKS.md (issue 8, fifth pass).
#pragma once

#include <cstdint>

#include <c10/util/BFloat16.h>

#include "core/FusedAdainSnake.h"

namespace kokoro::bf16kernel {

// Whether this CPU (and its OS) runs AVX-512 F/BW/VL with the BF16 extension.
bool available();

// Mean and 1 / sqrt(var + eps) of one row of n values (n >= 1). Requires available().
void rowStatistics(const c10::BFloat16* row, int64_t n, float* mean, float* scale);

// out[i] = snake((1 + gamma) * normalized(in[i]) + beta) for i < n, rounded once to bfloat16;
// out may be in. Requires available().
void transformRow(const c10::BFloat16* in, c10::BFloat16* out, int64_t n, const AdainSnakeRow& terms);

}  // namespace kokoro::bf16kernel
