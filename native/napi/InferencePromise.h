// A JS Promise settled by an inference job from whichever thread finishes it: the job's
// completion hands the outcome to a ThreadSafeFunction, and the conversion to JS runs on the
// main thread. The pending promise keeps the event loop alive, as an AsyncWorker would.
#pragma once

#include <napi.h>

#include <functional>

#include "core/InferenceJob.h"

namespace kokoro::napi {

struct InferencePromise {
  Napi::Promise promise;
  // Call exactly once (InferenceJob guarantees it); any thread.
  InferenceJob::Completion complete;
};

// `onSettled` (optional) runs on the completing thread before the outcome is sent to JS.
InferencePromise makeInferencePromise(Napi::Env env, std::function<void()> onSettled = nullptr);

}  // namespace kokoro::napi
