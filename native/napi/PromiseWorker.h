// Runs a function on the libuv thread pool and settles a Promise with its result. The work
// function never sees a JS value; the conversion to JS runs on the main thread.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "napi/ErrorBridge.h"

namespace kokoro::napi {

template <typename Result>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result()>;
  using ToJs = std::function<Napi::Value(Napi::Env, Result&)>;

  static Napi::Promise queue(Napi::Env env, std::string operation, Work work, ToJs toJs) {
    auto worker = std::make_unique<PromiseWorker>(env, std::move(operation), std::move(work), std::move(toJs));
    Napi::Promise promise = worker->deferred_.Promise();
    // Ownership passes to Node-API: an AsyncWorker deletes itself once OnOK/OnError ran.
    worker.release()->Queue();
    return promise;
  }

  PromiseWorker(Napi::Env env, std::string operation, Work work, ToJs toJs)
      : Napi::AsyncWorker(env, "kokoro-native"),
        deferred_(Napi::Promise::Deferred::New(env)),
        operation_(std::move(operation)),
        work_(std::move(work)),
        toJs_(std::move(toJs)) {}

 protected:
  void Execute() override {
    try {
      result_ = std::make_unique<Result>(work_());
    } catch (...) {
      error_ = classifyCurrentException(operation_);
      SetError(error_.message);
    }
  }

  void OnOK() override {
    try {
      deferred_.Resolve(toJs_(Env(), *result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (...) {
      deferred_.Reject(makeJsError(Env(), classifyCurrentException(operation_)).Value());
    }
    result_.reset();
  }

  void OnError(const Napi::Error&) override { deferred_.Reject(makeJsError(Env(), error_).Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string operation_;
  Work work_;
  ToJs toJs_;
  std::unique_ptr<Result> result_;
  CaughtError error_;
};

}  // namespace kokoro::napi
