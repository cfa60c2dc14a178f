// Test hook for the fused CPU kernels (native/core/FusedAdainSnake.h): runs the fused kernel and
// libtorch's unfused ops on the same input so that a test can compare them directly, edge
// shapes included, without a model.
#pragma once

#include <napi.h>

namespace kokoro::napi {

// fusedAdainSnakeProbe(x, [B, C, T], gamma [B*C], beta [B*C], alpha [C], 'fp32' | 'bf16')
//   -> { fused: Float32Array, reference: Float32Array }
Napi::Value fusedAdainSnakeProbe(const Napi::CallbackInfo& info);

}  // namespace kokoro::napi
