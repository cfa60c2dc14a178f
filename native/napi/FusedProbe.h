// Test hooks for the fused CPU kernels (native/core/FusedAdainSnake.h) and the tiled
// convolutions (TiledSnakeConv.h, TiledConvTranspose.h): runs the fused kernel and
// libtorch's unfused ops on the same input so that a test can compare them directly, edge
// shapes included, without a model.
#pragma once

#include <napi.h>

namespace kokoro::napi {

// fusedAdainSnakeProbe(x, [B, C, T], gamma [B*C], beta [B*C], alpha [C], 'fp32' | 'bf16')
//   -> { fused: Float32Array, reference: Float32Array }
Napi::Value fusedAdainSnakeProbe(const Napi::CallbackInfo& info);

// tiledConvolutionProbe('snake' | 'transpose', { x, shape, weight, weightShape, bias, padding,
//   tileSteps, ... }) -> { tiled, whole }: the tiled operator (TiledSnakeConv.h with gamma, beta,
// alpha, dilation and an optional `accumulate`; TiledConvTranspose.h with stride and
// outputPadding) at the given tile width, and libtorch's whole, unfused computation.
Napi::Value tiledConvolutionProbe(const Napi::CallbackInfo& info);

}  // namespace kokoro::napi
