#include "napi/InferencePromise.h"

#include <memory>

#include "napi/ErrorBridge.h"
#include "napi/Marshal.h"

namespace kokoro::napi {
namespace {

struct PendingPromise {
  explicit PendingPromise(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise::Deferred deferred;
};

void settleOnMainThread(Napi::Env env, Napi::Function, PendingPromise* pending, InferenceOutcome* raw) {
  std::unique_ptr<InferenceOutcome> outcome(raw);
  if (env == nullptr || outcome == nullptr) return;  // environment shutting down
  inCallback(
      [&] {
        if (outcome->result) {
          pending->deferred.Resolve(toJs(env, *outcome->result));
          return;
        }
        try {
          std::rethrow_exception(outcome->error);
        } catch (const Napi::Error& e) {
          pending->deferred.Reject(e.Value());
        } catch (...) {
          pending->deferred.Reject(makeJsError(env, classifyCurrentException("inference")).Value());
        }
      },
      // Converting the result failed (e.g. out of memory for the audio array).
      [&] { pending->deferred.Reject(makeJsError(env, classifyCurrentException("returning audio")).Value()); });
}

using SettleFunction = Napi::TypedThreadSafeFunction<PendingPromise, InferenceOutcome, settleOnMainThread>;

}  // namespace

InferencePromise makeInferencePromise(Napi::Env env, std::function<void()> onSettled) {
  auto pending = std::make_unique<PendingPromise>(env);
  Napi::Promise promise = pending->deferred.Promise();
  // The function owns the pending promise from here on; its finalizer (main thread, after the
  // last Release) frees it.
  SettleFunction settle = SettleFunction::New(env, "kokoro-infer", 0, 1, pending.get(),
                                              [](Napi::Env, void*, PendingPromise* context) {
                                                std::unique_ptr<PendingPromise> reclaim(context);
                                              });
  pending.release();
  auto complete = [settle, onSettled = std::move(onSettled)](InferenceOutcome&& outcome) mutable {
    if (onSettled) onSettled();
    auto data = std::make_unique<InferenceOutcome>(std::move(outcome));
    if (settle.NonBlockingCall(data.get()) == napi_ok) data.release();
    settle.Release();
  };
  return {promise, std::move(complete)};
}

}  // namespace kokoro::napi
