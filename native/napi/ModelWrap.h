// JS handle of a loaded KModel and its Executor. Inference runs on the executor's threads and
// settles its promise through a ThreadSafeFunction (no libuv pool thread is held); streams hold
// their own reference to the executor, so dispose() frees it when the last of them ends.
#pragma once

#include <napi.h>

#include <memory>

#include "core/Executor.h"
#include "core/KModel.h"

namespace kokoro::napi {

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function defineClass(Napi::Env env);
  static Napi::Object wrap(Napi::Env env, std::shared_ptr<Executor> executor);
  explicit ModelWrap(const Napi::CallbackInfo& info);
  ~ModelWrap() override;
  // The executor behind a NativeModel JS object; throws a JS error if disposed or not a model.
  static std::shared_ptr<Executor> executorOf(Napi::Env env, const Napi::Value& value);

 private:
  Napi::Value infer(const Napi::CallbackInfo& info);
  Napi::Value startInference(const Napi::CallbackInfo& info);
  Napi::Value save(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value info(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value cancel(const Napi::CallbackInfo& info);
  std::shared_ptr<Executor> requireExecutor(Napi::Env env) const;
  void release();
  static void shutdownOnTeardown(void* self);

  struct CancelHandles;
  std::shared_ptr<Executor> executor_;
  std::shared_ptr<CancelHandles> cancelHandles_;
  napi_env env_ = nullptr;
};

}  // namespace kokoro::napi
