// The generator's upsampling ConvTranspose1d, run over fixed-width tiles of its input (issue 8,
// fp32 peak memory).
//
// libtorch 1.13 runs a float32 transposed convolution as slow_conv_transpose2d: one GEMM into a
// column buffer of C_out * K rows by the input's length, then col2im. For the last upsampling
// (256 -> 128 channels, kernel 12, stride 6) of a 244-token input that buffer is 88 MiB and was
// the process's peak. Tiled, each call reads its tile's steps plus a halo of ceil(K / stride) steps
// on each side, with the op's own padding, and keeps the `stride` outputs each of its own steps
// owns; every output gets the same products summed in the same order as in the whole op (col2im
// adds them kernel tap by tap, and the GEMM's dot products do not depend on the tile), so the
// result is the untiled one bit for bit (test/native/tiledConvolutions.test.ts). The tiles have one
// width whatever the length (the last overlaps its predecessor).
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>
#include <c10/util/Optional.h>

namespace kokoro {

// Input steps per tile of the registered operator: 4,096 (a 24 MiB column buffer at 128 x 12,
// below what the residual blocks after it hold).
constexpr int64_t kConvTransposeTileSteps = 4096;

// at::conv_transpose1d(x, weight, bias, stride, padding, outputPadding, groups) (dilation 1).
// Tiled when x is a CPU [B, C, L] tensor with L above one tile and the shape gives every input
// step `stride` outputs of its own (groups 1, output padding 0, K - 2 * padding == stride);
// otherwise the whole op.
at::Tensor convTranspose1d(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                           int64_t stride, int64_t padding, int64_t outputPadding, int64_t groups,
                           int64_t tileSteps = kConvTransposeTileSteps);

}  // namespace kokoro
