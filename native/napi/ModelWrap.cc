#include "napi/ModelWrap.h"

#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/Error.h"
#include "napi/AddonData.h"
#include "napi/ErrorBridge.h"
#include "napi/InferencePromise.h"
#include "napi/Marshal.h"
#include "napi/PromiseWorker.h"

namespace kokoro::napi {

// Jobs that JS may still cancel, by the id JS gave them. Shared with the jobs' completions,
// which remove their entry from an executor thread.
struct ModelWrap::CancelHandles {
  std::mutex mutex;
  std::unordered_map<double, std::weak_ptr<InferenceJob>> jobs;
};

Napi::Function ModelWrap::defineClass(Napi::Env env) {
  return DefineClass(env, "NativeModel",
                     {InstanceMethod<&ModelWrap::infer>("infer"), InstanceMethod<&ModelWrap::save>("save"),
                      InstanceMethod<&ModelWrap::dispose>("dispose"), InstanceMethod<&ModelWrap::info>("info"),
                      InstanceMethod<&ModelWrap::stats>("stats"), InstanceMethod<&ModelWrap::cancel>("cancel")});
}

Napi::Object ModelWrap::wrap(Napi::Env env, std::shared_ptr<Executor> executor) {
  Napi::Object object = AddonData::of(env).modelConstructor.New({});
  ModelWrap* self = ModelWrap::Unwrap(object);
  self->executor_ = std::move(executor);
  self->cancelHandles_ = std::make_shared<CancelHandles>();
  self->env_ = env;
  // Process exit or worker termination with the model loaded: stop the executor threads while
  // the environment (and libtorch) is still whole.
  napi_add_env_cleanup_hook(env, shutdownOnTeardown, self);
  return object;
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {}

ModelWrap::~ModelWrap() { release(); }

void ModelWrap::shutdownOnTeardown(void* self) {
  auto* wrap = static_cast<ModelWrap*>(self);
  if (wrap->executor_) wrap->executor_->shutdown();
}

void ModelWrap::release() {
  if (!executor_) return;
  napi_remove_env_cleanup_hook(env_, shutdownOnTeardown, this);
  executor_.reset();
}

std::shared_ptr<Executor> ModelWrap::executorOf(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject() ||
      !value.As<Napi::Object>().InstanceOf(AddonData::of(env).modelConstructor.Value())) {
    throw KokoroError(codes::kInvalidArgument, "expected a NativeModel");
  }
  return ModelWrap::Unwrap(value.As<Napi::Object>())->requireExecutor(env);
}

std::shared_ptr<Executor> ModelWrap::requireExecutor(Napi::Env env) const {
  if (!executor_) {
    throw makeJsError(env, {codes::kDisposed, "the model was disposed; load it again to use it"});
  }
  return executor_;
}

// infer(phonemes: string, voice: Float32Array, speed: number, seed: number | undefined,
//       withCurves: boolean, cancelId: number | undefined)
Napi::Value ModelWrap::infer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "inference", [&]() -> Napi::Value { return startInference(info); });
}

Napi::Value ModelWrap::startInference(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto executor = requireExecutor(env);
  InferenceRequest request;
  std::optional<double> cancelId;
  if (!info[0].IsString()) throw KokoroError(codes::kInvalidArgument, "phonemes must be a string");
  request.phonemes = info[0].As<Napi::String>().Utf8Value();
  request.voice = readVoice(info[1]);
  request.speed = readSpeed(info[2]);
  request.seed = readSeed(info[3]);
  request.withCurves = info[4].ToBoolean().Value();
  if (info[5].IsNumber()) cancelId = info[5].As<Napi::Number>().DoubleValue();
  std::function<void()> forget;
  if (cancelId) {
    forget = [handles = cancelHandles_, id = *cancelId] {
      std::lock_guard<std::mutex> lock(handles->mutex);
      handles->jobs.erase(id);
    };
  }
  InferencePromise pending = makeInferencePromise(env, std::move(forget));
  auto job = std::make_shared<InferenceJob>(std::move(request), JobPriority::kFirstAudio, std::move(pending.complete));
  if (cancelId) {
    std::lock_guard<std::mutex> lock(cancelHandles_->mutex);
    cancelHandles_->jobs[*cancelId] = job;
  }
  executor->submit(job);
  return pending.promise;
}

// cancel(cancelId): stops an infer() call given that id; nothing if it already finished.
Napi::Value ModelWrap::cancel(const Napi::CallbackInfo& info) {
  return atBoundary(info.Env(), "cancelling an inference", [&]() -> Napi::Value {
    if (!info[0].IsNumber() || !executor_) return info.Env().Undefined();
    JobPtr job;
    {
      std::lock_guard<std::mutex> lock(cancelHandles_->mutex);
      auto it = cancelHandles_->jobs.find(info[0].As<Napi::Number>().DoubleValue());
      if (it != cancelHandles_->jobs.end()) job = it->second.lock();
    }
    if (job) executor_->cancel(job);
    return info.Env().Undefined();
  });
}

Napi::Value ModelWrap::save(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "saving the model", [&]() -> Napi::Value {
    auto model = requireExecutor(env)->sharedModel();
    if (!info[0].IsString()) throw KokoroError(codes::kInvalidArgument, "save(path): path must be a string");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    return PromiseWorker<bool>::queue(
        env, "saving the model", [model, path]() { model->save(path); return true; },
        [](Napi::Env env, bool&) { return env.Undefined(); });
  });
}

Napi::Value ModelWrap::dispose(const Napi::CallbackInfo& info) {
  release();
  return info.Env().Undefined();
}

Napi::Value ModelWrap::info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "reading model info", [&]() -> Napi::Value {
    auto executor = requireExecutor(env);
    const KModel& model = executor->model();
    Napi::Object out = Napi::Object::New(env);
    out.Set("device", model.device());
    out.Set("threads", model.threads());
    out.Set("precision", precisionName(model.precision()));
    out.Set("parameters", static_cast<double>(model.parameterCount()));
    out.Set("executors", executor->options().executors);
    out.Set("adaptiveCores", executor->options().adaptiveCores);
    out.Set("batching", model.hasBatchMethods());
    return out;
  });
}

Napi::Value ModelWrap::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "reading model stats", [&]() -> Napi::Value { return toJs(env, requireExecutor(env)->stats()); });
}

}  // namespace kokoro::napi
