#include "napi/VoiceWrap.h"

#include <memory>
#include <string>

#include "core/Error.h"
#include "core/VoiceTensor.h"
#include "napi/AddonData.h"
#include "napi/ErrorBridge.h"

namespace kokoro::napi {

Napi::Function VoiceWrap::defineClass(Napi::Env env) {
  return DefineClass(env, "NativeVoice",
                     {InstanceMethod<&VoiceWrap::rows>("rows"), InstanceMethod<&VoiceWrap::view>("view"),
                      InstanceMethod<&VoiceWrap::dispose>("dispose")});
}

VoiceWrap::VoiceWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VoiceWrap>(info) {}

Napi::Value VoiceWrap::create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "making a voice", [&]() -> Napi::Value {
    const std::string source = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "Float32Array";
    at::Tensor tensor = copyFloats(info[0], source);
    Napi::Object object = AddonData::of(env).voiceConstructor.New({});
    VoiceWrap::Unwrap(object)->tensor_ = std::move(tensor);
    return object;
  });
}

at::Tensor VoiceWrap::copyFloats(const Napi::Value& value, const std::string& source) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw KokoroError(codes::kBadVoice, "voice " + source + " must be a Float32Array (or a voice loaded by the model)");
  }
  const Napi::Float32Array array = value.As<Napi::Float32Array>();
  return makeVoiceTensor(array.Data(), array.ElementLength(), source);
}

std::optional<at::Tensor> VoiceWrap::tensorOf(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(AddonData::of(env).voiceConstructor.Value())) {
    return std::nullopt;
  }
  return VoiceWrap::Unwrap(value.As<Napi::Object>())->requireTensor(env);
}

const at::Tensor& VoiceWrap::requireTensor(Napi::Env env) const {
  if (!tensor_.defined()) throw makeJsError(env, {codes::kDisposed, "the voice was disposed; load it again to use it"});
  return tensor_;
}

Napi::Value VoiceWrap::rows(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(requireTensor(info.Env()).size(0)));
}

// view() -> Float32Array over the pack's own memory (no copy); it keeps that memory alive.
Napi::Value VoiceWrap::view(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto owner = std::make_unique<at::Tensor>(requireTensor(env));
  float* data = owner->data_ptr<float>();
  const size_t count = static_cast<size_t>(owner->numel());
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
      env, data, count * sizeof(float), [](Napi::Env, void*, at::Tensor* hint) { std::unique_ptr<at::Tensor> reclaim(hint); },
      owner.get());
  owner.release();
  return Napi::Float32Array::New(env, count, buffer, 0);
}

// dispose(): lets the pack's memory go now rather than at garbage collection (requests in
// flight keep their reference). Safe to call twice.
Napi::Value VoiceWrap::dispose(const Napi::CallbackInfo& info) {
  tensor_ = at::Tensor();
  return info.Env().Undefined();
}

}  // namespace kokoro::napi
