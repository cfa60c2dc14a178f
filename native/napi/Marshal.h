// Conversions between JS values and the core's plain structs. Main thread only.
#pragma once

#include <napi.h>

#include <optional>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/Executor.h"
#include "core/ExecutorStats.h"
#include "core/KModel.h"
#include "core/NativePhonemizer.h"

namespace kokoro::napi {

std::string requireString(const Napi::Object& options, const char* key);
ModelSpec readModelSpec(const Napi::Object& options);
// The `executor` object of the load spec (validated in lib/engineOptions.ts).
ExecutorOptions readExecutorOptions(const Napi::Object& options);
// The tensor of a NativeVoice (shared, no copy), or a checked copy of a Float32Array.
at::Tensor readVoice(const Napi::Value& value);
// A request's speed (undefined: 1), checked against the limits.
double readSpeed(const Napi::Value& value);
// A request's seed: undefined/null for a random one, else a non-negative safe integer.
std::optional<uint64_t> readSeed(const Napi::Value& value);
Napi::Float32Array toFloat32Array(Napi::Env env, std::vector<float>&& values);
Napi::Value toJs(Napi::Env env, InferenceResult& result);
// Normalization families from `{ numbers?: boolean, … }` (absent ones stay on).
NormalizationOptions readNormalizationOptions(const Napi::Object& flags);
// `{ lexicon: path, userLexicon?: { word: phonemes }, normalization?: { … } | false,
// guessPartOfSpeech?: boolean }`, or nothing for undefined/null.
std::optional<EnglishSettings> readEnglishSettings(const Napi::Value& value);
Napi::Value toJs(Napi::Env env, const ExecutorStats& stats);

}  // namespace kokoro::napi
