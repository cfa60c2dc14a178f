#include "napi/FusedProbe.h"

#include <cstring>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/Error.h"
#include "core/FusedAdainSnake.h"
#include "core/TiledConvTranspose.h"
#include "core/TiledSnakeConv.h"
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

std::vector<int64_t> shapeOf(const Napi::Value& value, const char* name) {
  if (!value.IsArray() || value.As<Napi::Array>().Length() != 3) {
    throw KokoroError(codes::kInvalidArgument, std::string("tiledConvolutionProbe: ") + name + " must be [a, b, c]");
  }
  Napi::Array dims = value.As<Napi::Array>();
  return {dims.Get(0u).As<Napi::Number>().Int64Value(), dims.Get(1u).As<Napi::Number>().Int64Value(),
          dims.Get(2u).As<Napi::Number>().Int64Value()};
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

Napi::Value tiledConvolutionProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "probing the tiled convolutions", [&]() -> Napi::Value {
    if (!info[0].IsString() || !info[1].IsObject()) {
      throw KokoroError(codes::kInvalidArgument, "tiledConvolutionProbe('snake' | 'transpose', options)");
    }
    const std::string kind = info[0].As<Napi::String>().Utf8Value();
    Napi::Object o = info[1].As<Napi::Object>();
    const std::vector<int64_t> xShape = shapeOf(o.Get("shape"), "shape");
    const std::vector<int64_t> wShape = shapeOf(o.Get("weightShape"), "weightShape");
    const at::Tensor x = tensorOf(o.Get("x"), xShape, at::kFloat, "x");
    const at::Tensor weight = tensorOf(o.Get("weight"), wShape, at::kFloat, "weight");
    const int64_t outChannels = kind == "transpose" ? wShape[1] : wShape[0];
    const at::Tensor bias = tensorOf(o.Get("bias"), {outChannels}, at::kFloat, "bias");
    const int64_t tileSteps = o.Get("tileSteps").As<Napi::Number>().Int64Value();
    const int64_t padding = o.Get("padding").As<Napi::Number>().Int64Value();
    Napi::Object out = Napi::Object::New(env);
    if (kind == "transpose") {
      const int64_t stride = o.Get("stride").As<Napi::Number>().Int64Value();
      const int64_t outputPadding = o.Has("outputPadding") ? o.Get("outputPadding").As<Napi::Number>().Int64Value() : 0;
      out.Set("tiled", toArray(env, convTranspose1d(x, weight, bias, stride, padding, outputPadding, 1, tileSteps)));
      out.Set("whole", toArray(env, at::conv_transpose1d(x, weight, bias, stride, padding, outputPadding)));
      return out;
    }
    const at::Tensor gamma = tensorOf(o.Get("gamma"), {xShape[0], xShape[1], 1}, at::kFloat, "gamma");
    const at::Tensor beta = tensorOf(o.Get("beta"), {xShape[0], xShape[1], 1}, at::kFloat, "beta");
    const at::Tensor alpha = tensorOf(o.Get("alpha"), {1, xShape[1], 1}, at::kFloat, "alpha");
    const int64_t dilation = o.Get("dilation").As<Napi::Number>().Int64Value();
    c10::optional<at::Tensor> sum;
    if (o.Has("accumulate")) sum = tensorOf(o.Get("accumulate"), {xShape[0], outChannels, xShape[2]}, at::kFloat, "accumulate");
    at::Tensor whole = at::conv1d(adainSnakeReference(x, gamma, beta, alpha), weight, bias, 1, padding, dilation);
    if (sum) whole = sum->clone().add_(whole);
    c10::optional<at::Tensor> into;
    if (sum) into = sum->clone();
    out.Set("tiled", toArray(env, snakeConv(x, gamma, beta, alpha, weight, bias, padding, dilation, into, tileSteps)));
    out.Set("whole", toArray(env, whole));
    return out;
  });
}

}  // namespace kokoro::napi
