#include "napi/ModelWrap.h"

#include <optional>

#include "core/Error.h"
#include "napi/AddonData.h"
#include "napi/ErrorBridge.h"
#include "napi/Marshal.h"
#include "napi/PromiseWorker.h"

namespace kokoro::napi {

Napi::Function ModelWrap::defineClass(Napi::Env env) {
  return DefineClass(env, "NativeModel",
                     {InstanceMethod<&ModelWrap::infer>("infer"), InstanceMethod<&ModelWrap::save>("save"),
                      InstanceMethod<&ModelWrap::dispose>("dispose"), InstanceMethod<&ModelWrap::info>("info")});
}

Napi::Object ModelWrap::wrap(Napi::Env env, std::shared_ptr<const KModel> model) {
  Napi::Object object = AddonData::of(env).modelConstructor.New({});
  ModelWrap::Unwrap(object)->model_ = std::move(model);
  return object;
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {}

std::shared_ptr<const KModel> ModelWrap::modelOf(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject() ||
      !value.As<Napi::Object>().InstanceOf(AddonData::of(env).modelConstructor.Value())) {
    throw KokoroError(codes::kInvalidArgument, "expected a NativeModel");
  }
  return ModelWrap::Unwrap(value.As<Napi::Object>())->requireModel(env);
}

std::shared_ptr<const KModel> ModelWrap::requireModel(Napi::Env env) const {
  if (!model_) {
    throw makeJsError(env, {codes::kDisposed, "the model was disposed; load it again to use it"});
  }
  return model_;
}

// infer(phonemes: string, voice: Float32Array, speed: number, seed: number | undefined,
//       withCurves: boolean)
Napi::Value ModelWrap::infer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "inference", [&]() -> Napi::Value {
    auto model = requireModel(env);
    InferenceRequest request;
    if (!info[0].IsString()) throw KokoroError(codes::kInvalidArgument, "phonemes must be a string");
    request.phonemes = info[0].As<Napi::String>().Utf8Value();
    request.voice = readVoice(info[1]);
    request.speed = readSpeed(info[2]);
    request.seed = readSeed(info[3]);
    request.withCurves = info[4].ToBoolean().Value();
    return PromiseWorker<InferenceResult>::queue(
        env, "inference", [model, request = std::move(request)]() { return model->infer(request); },
        [](Napi::Env env, InferenceResult& result) { return toJs(env, result); });
  });
}

Napi::Value ModelWrap::save(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "saving the model", [&]() -> Napi::Value {
    auto model = requireModel(env);
    if (!info[0].IsString()) throw KokoroError(codes::kInvalidArgument, "save(path): path must be a string");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    return PromiseWorker<bool>::queue(
        env, "saving the model", [model, path]() { model->save(path); return true; },
        [](Napi::Env env, bool&) { return env.Undefined(); });
  });
}

Napi::Value ModelWrap::dispose(const Napi::CallbackInfo& info) {
  model_.reset();
  return info.Env().Undefined();
}

Napi::Value ModelWrap::info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "reading model info", [&]() -> Napi::Value {
    auto model = requireModel(env);
    Napi::Object out = Napi::Object::New(env);
    out.Set("device", model->device());
    out.Set("threads", model->threads());
    out.Set("precision", precisionName(model->precision()));
    out.Set("parameters", static_cast<double>(model->parameterCount()));
    return out;
  });
}

}  // namespace kokoro::napi
