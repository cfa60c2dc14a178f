#include "napi/FusedProbe.h"

#include <cstring>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/Error.h"
#include "core/FusedAdainSnake.h"
#include "napi/ErrorBridge.h"

namespace kokoro::napi {
namespace {

at::Tensor tensorOf(const Napi::Value& value, std::vector<int64_t> shape, at::ScalarType type, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw KokoroError(codes::kInvalidArgument, std::string("fusedAdainSnakeProbe: ") + name + " must be a Float32Array");
  }
  Napi::Float32Array array = value.As<Napi::Float32Array>();
  at::Tensor tensor = at::empty(shape, at::kFloat);
  if (static_cast<int64_t>(array.ElementLength()) != tensor.numel()) {
    throw KokoroError(codes::kInvalidArgument, std::string("fusedAdainSnakeProbe: ") + name + " has the wrong length");
  }
  std::memcpy(tensor.data_ptr<float>(), array.Data(), sizeof(float) * tensor.numel());
  return tensor.to(type);
}

Napi::Float32Array toArray(Napi::Env env, const at::Tensor& tensor) {
  const at::Tensor values = tensor.to(at::kFloat).contiguous();
  Napi::Float32Array array = Napi::Float32Array::New(env, values.numel());
  std::memcpy(array.Data(), values.data_ptr<float>(), sizeof(float) * values.numel());
  return array;
}

}  // namespace

Napi::Value fusedAdainSnakeProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "probing the fused kernel", [&]() -> Napi::Value {
    if (!info[1].IsArray() || info[1].As<Napi::Array>().Length() != 3 || !info[5].IsString()) {
      throw KokoroError(codes::kInvalidArgument, "fusedAdainSnakeProbe(x, [B, C, T], gamma, beta, alpha, dtype)");
    }
    Napi::Array dims = info[1].As<Napi::Array>();
    const int64_t b = dims.Get(0u).As<Napi::Number>().Int64Value();
    const int64_t c = dims.Get(1u).As<Napi::Number>().Int64Value();
    const int64_t t = dims.Get(2u).As<Napi::Number>().Int64Value();
    const at::ScalarType type = info[5].As<Napi::String>().Utf8Value() == "bf16" ? at::kBFloat16 : at::kFloat;
    const at::Tensor x = tensorOf(info[0], {b, c, t}, type, "x");
    const at::Tensor gamma = tensorOf(info[2], {b, c, 1}, type, "gamma");
    const at::Tensor beta = tensorOf(info[3], {b, c, 1}, type, "beta");
    const at::Tensor alpha = tensorOf(info[4], {1, c, 1}, type, "alpha");
    if (!adainSnakeFusable(x, gamma, beta, alpha)) {
      throw KokoroError(codes::kInvalidArgument, "fusedAdainSnakeProbe: the fused kernel does not take these shapes");
    }
    at::Tensor fused = at::empty_like(x);
    adainSnakeFused(x, gamma, beta, alpha, fused);
    at::Tensor inPlace = x.clone();
    adainSnakeFused(inPlace, gamma, beta, alpha, inPlace);
    if (!at::equal(fused, inPlace)) throw KokoroError(codes::kInternal, "fusedAdainSnakeProbe: in place differs");
    Napi::Object out = Napi::Object::New(env);
    out.Set("fused", toArray(env, fused));
    out.Set("reference", toArray(env, adainSnakeReference(x, gamma, beta, alpha)));
    return out;
  });
}

}  // namespace kokoro::napi
