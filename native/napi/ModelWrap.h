// JS handle of a loaded KModel. Work runs on the thread pool; each job holds its own
// reference to the model, so dispose() during a job frees the model when that job ends.
#pragma once

#include <napi.h>

#include <memory>

#include "core/KModel.h"

namespace kokoro::napi {

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function defineClass(Napi::Env env);
  static Napi::Object wrap(Napi::Env env, std::shared_ptr<const KModel> model);
  explicit ModelWrap(const Napi::CallbackInfo& info);
  // The model behind a NativeModel JS object; throws a JS error if disposed or not a model.
  static std::shared_ptr<const KModel> modelOf(Napi::Env env, const Napi::Value& value);

 private:
  Napi::Value infer(const Napi::CallbackInfo& info);
  Napi::Value save(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value info(const Napi::CallbackInfo& info);
  std::shared_ptr<const KModel> requireModel(Napi::Env env) const;

  std::shared_ptr<const KModel> model_;
};

}  // namespace kokoro::napi
