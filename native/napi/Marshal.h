// Conversions between JS values and the core's plain structs. Main thread only.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/Executor.h"
#include "core/ExecutorStats.h"
#include "core/KModel.h"

namespace kokoro::napi {

std::string requireString(const Napi::Object& options, const char* key);
ModelSpec readModelSpec(const Napi::Object& options);
// The `executor` object of the load spec (validated in lib/engineOptions.ts).
ExecutorOptions readExecutorOptions(const Napi::Object& options);
// Copies a Float32Array of rows*256 floats into a [rows, 256] tensor.
at::Tensor readVoice(const Napi::Value& value);
Napi::Float32Array toFloat32Array(Napi::Env env, std::vector<float>&& values);
Napi::Value toJs(Napi::Env env, InferenceResult& result);
Napi::Value toJs(Napi::Env env, const ExecutorStats& stats);

}  // namespace kokoro::napi
