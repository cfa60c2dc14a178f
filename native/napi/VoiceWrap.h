// JS handle of a voice pack held natively (NativeVoice): checked once when it is made, then
// handed to every request by reference (the request shares the tensor, so a handle disposed or
// collected while requests use it frees its memory only after the last of them).
#pragma once

#include <napi.h>

#include <optional>
#include <string>

#include <ATen/ATen.h>

namespace kokoro::napi {

class VoiceWrap : public Napi::ObjectWrap<VoiceWrap> {
 public:
  static Napi::Function defineClass(Napi::Env env);
  // createVoice(data: Float32Array, source: string) -> NativeVoice (a copy of `data`, checked).
  static Napi::Value create(const Napi::CallbackInfo& info);
  // The tensor of a NativeVoice; nullopt when `value` is not one. Throws KOKORO_DISPOSED for a
  // disposed handle.
  static std::optional<at::Tensor> tensorOf(Napi::Env env, const Napi::Value& value);
  // A checked copy of a Float32Array's floats (KOKORO_BAD_VOICE naming `source` otherwise).
  static at::Tensor copyFloats(const Napi::Value& value, const std::string& source);
  explicit VoiceWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value rows(const Napi::CallbackInfo& info);
  Napi::Value view(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);
  const at::Tensor& requireTensor(Napi::Env env) const;

  at::Tensor tensor_;
};

}  // namespace kokoro::napi
