#include "napi/StreamWrap.h"

#include <future>
#include <thread>

#include "core/NativePhonemizer.h"
#include "core/Error.h"
#include "core/SpeechStream.h"
#include "napi/AddonData.h"
#include "napi/ErrorBridge.h"
#include "napi/Marshal.h"
#include "napi/ModelWrap.h"

namespace kokoro::napi {

struct StreamEvent {
  enum class Kind { kChunk, kEnd, kError } kind = Kind::kEnd;
  SpeechChunk chunk;
  CaughtError error;
};

struct PhonemizeCall {
  std::string text;
  std::promise<std::string> result;
};

namespace {
void deliverEvent(Napi::Env env, Napi::Function onEvent, std::nullptr_t*, StreamEvent* raw);
void callJsPhonemizer(Napi::Env env, Napi::Function phonemize, std::nullptr_t*, PhonemizeCall* call);
}  // namespace

// Typed functions: an item still queued when the function is torn down (env teardown with a
// stream open) reaches its callback with a null env, which frees or fails it. The untyped
// Napi::ThreadSafeFunction drops such items without a call, leaking them (and leaving a
// phonemizer call's producer waiting on its promise).
using EventFunction = Napi::TypedThreadSafeFunction<std::nullptr_t, StreamEvent, deliverEvent>;
using PhonemizerFunction = Napi::TypedThreadSafeFunction<std::nullptr_t, PhonemizeCall, callJsPhonemizer>;

struct StreamState {
  std::unique_ptr<SpeechStream> stream;
  EventFunction events;
  PhonemizerFunction jsPhonemizer;
  bool usesJsPhonemizer = false;
  std::thread producer;
  napi_env env = nullptr;
  bool cleanupHookAdded = false;
  // Main thread only. The producer releases `events` when it finishes; once the function is
  // finalized, ref()/unref() on it would touch freed memory.
  bool eventsFinalized = false;
};

namespace {

// Env teardown (process exit, worker_threads termination) with a stream still open: stop
// the producer so that the finalizer's join returns.
void cancelOnTeardown(void* arg) { static_cast<StreamState*>(arg)->stream->queue().cancel(); }

void deliverTo(Napi::Env env, Napi::Function& onEvent, StreamEvent& event);

void deliverEvent(Napi::Env env, Napi::Function onEvent, std::nullptr_t*, StreamEvent* raw) {
  std::unique_ptr<StreamEvent> event(raw);
  if (env == nullptr) return;  // the stream's JS side is gone
  inCallback([&] { deliverTo(env, onEvent, *event); },
             [&] {
               CaughtError error = classifyCurrentException("delivering a speech chunk");
               onEvent.Call({Napi::String::New(env, "error"), makeJsError(env, error).Value()});
             });
}

void deliverTo(Napi::Env env, Napi::Function& onEvent, StreamEvent& event) {
  switch (event.kind) {
    case StreamEvent::Kind::kChunk: {
      SpeechChunk& chunk = event.chunk;
      Napi::Object out = toJs(env, chunk.result).As<Napi::Object>();
      out.Set("index", static_cast<double>(chunk.index));
      out.Set("graphemes", chunk.text.text);
      out.Set("textStart", static_cast<double>(chunk.text.begin));
      out.Set("textEnd", static_cast<double>(chunk.text.end));
      out.Set("phonemes", chunk.phonemes);
      if (!chunk.wordSources.empty()) {
        Napi::Uint32Array sources = Napi::Uint32Array::New(env, chunk.wordSources.size() * 2);
        for (size_t i = 0; i < chunk.wordSources.size(); ++i) {
          sources[2 * i] = chunk.wordSources[i].first;
          sources[2 * i + 1] = chunk.wordSources[i].second;
        }
        out.Set("wordSources", sources);
      }
      onEvent.Call({Napi::String::New(env, "chunk"), out});
      break;
    }
    case StreamEvent::Kind::kEnd:
      onEvent.Call({Napi::String::New(env, "end")});
      break;
    case StreamEvent::Kind::kError:
      onEvent.Call({Napi::String::New(env, "error"), makeJsError(env, event.error).Value()});
      break;
  }
}

void callJsPhonemizer(Napi::Env env, Napi::Function phonemize, std::nullptr_t*, PhonemizeCall* call) {
  if (env == nullptr) {
    call->result.set_exception(std::make_exception_ptr(
        KokoroError(codes::kInternal, "the phonemizer's JavaScript side is gone (environment shutting down)")));
    return;
  }
  try {
    Napi::Value value = phonemize.Call({Napi::String::New(env, call->text)});
    if (!value.IsString()) throw KokoroError(codes::kInternal, "the phonemizer returned a non-string");
    call->result.set_value(value.As<Napi::String>().Utf8Value());
  } catch (const Napi::Error& e) {
    // Reading the code runs JS (a getter), which fails during teardown: fall back to internal.
    std::string code = codes::kInternal;
    try {
      Napi::Value value = e.Value().Get("code");
      if (value.IsString()) code = value.As<Napi::String>().Utf8Value();
    } catch (...) {
    }
    call->result.set_exception(std::make_exception_ptr(KokoroError(code, e.Message())));
  } catch (...) {
    call->result.set_exception(std::current_exception());
  }
}

PhonemizeFn jsPhonemize(StreamState* state) {
  return [state](const std::string& text) {
    PhonemizeCall call{text, {}};
    std::future<std::string> result = call.result.get_future();
    if (state->jsPhonemizer.BlockingCall(&call) != napi_ok) {
      throw KokoroError(codes::kInternal, "could not reach the JavaScript phonemizer (environment shutting down)");
    }
    return PhonemizedText{result.get(), {}};
  };
}

void produce(const std::shared_ptr<StreamState>& state) {
  auto send = [&state](std::unique_ptr<StreamEvent> event) {
    if (state->events.BlockingCall(event.get()) == napi_ok) event.release();
  };
  try {
    state->stream->run([&send](SpeechChunk&& chunk) {
      auto event = std::make_unique<StreamEvent>();
      event->kind = StreamEvent::Kind::kChunk;
      event->chunk = std::move(chunk);
      send(std::move(event));
    });
    send(std::make_unique<StreamEvent>());
  } catch (...) {
    auto event = std::make_unique<StreamEvent>();
    event->kind = StreamEvent::Kind::kError;
    event->error = classifyCurrentException("synthesizing speech");
    send(std::move(event));
  }
  if (state->usesJsPhonemizer) state->jsPhonemizer.Release();
  state->events.Release();
}

}  // namespace

Napi::Function StreamWrap::defineClass(Napi::Env env) {
  return DefineClass(env, "NativeStream",
                     {InstanceMethod<&StreamWrap::grant>("grant"), InstanceMethod<&StreamWrap::cancel>("cancel"),
                      InstanceMethod<&StreamWrap::produced>("produced"), InstanceMethod<&StreamWrap::ref>("ref"),
                      InstanceMethod<&StreamWrap::unref>("unref")});
}

StreamWrap::StreamWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StreamWrap>(info) {}

StreamWrap::~StreamWrap() {
  // Collected without being finished: nobody can read its chunks any more.
  if (state_) state_->stream->queue().cancel();
}

Napi::Value StreamWrap::start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return atBoundary(env, "starting a speech stream", [&]() -> Napi::Value {
    SpeechStreamOptions options;
    auto state = std::make_shared<StreamState>();
    // Whatever is made below is unmade if a later step throws: nothing is left half-started.
    auto releaseFunctions = [&state]() {
      if (state->usesJsPhonemizer) state->jsPhonemizer.Release();
      if (state->events) state->events.Release();
    };
    try {
      options.executor = ModelWrap::executorOf(env, info[0]);
      if (!info[1].IsString()) throw KokoroError(codes::kInvalidArgument, "text must be a string");
      options.text = info[1].As<Napi::String>().Utf8Value();
      options.voice = readVoice(info[2]);
      options.speed = readSpeed(info[3]);
      options.seed = readSeed(info[4]);
      if (!info[9].IsUndefined() && !info[9].IsNull()) {
        if (!info[9].IsNumber()) throw KokoroError(codes::kInvalidArgument, "firstChunkTokens must be a number");
        options.firstChunkTokens = info[9].As<Napi::Number>().DoubleValue();  // checked by ChunkBudget
      }
      if (!info[7].IsFunction()) throw KokoroError(codes::kInvalidArgument, "onEvent must be a function");
      if (info[5].IsString()) {
        const std::string code = info[5].As<Napi::String>().Utf8Value();
        options.phonemize = nativePhonemizer(code.size() == 1 ? code[0] : '?', readEnglishSettings(info[8]));
      } else if (info[6].IsFunction()) {
        state->jsPhonemizer =
            PhonemizerFunction::New(env, info[6].As<Napi::Function>(), "kokoro-phonemize", 0, 1);
        state->usesJsPhonemizer = true;
        state->jsPhonemizer.Unref(env);
        options.phonemize = jsPhonemize(state.get());
      } else {
        throw KokoroError(codes::kInvalidArgument, "a stream needs an espeak language or a phonemizer function");
      }
      state->stream = std::make_unique<SpeechStream>(std::move(options));
      state->env = env;
      state->events = EventFunction::New(
          env, info[7].As<Napi::Function>(), "kokoro-stream", 0, 1, nullptr, [state](Napi::Env finalizeEnv, void*, std::nullptr_t*) {
            // Runs on the main thread once the producer released the function: it has finished
            // (or is returning), so the join is immediate.
            state->eventsFinalized = true;
            if (state->producer.joinable()) state->producer.join();
            if (state->cleanupHookAdded) napi_remove_env_cleanup_hook(finalizeEnv, cancelOnTeardown, state.get());
          });
      // The consumer refs the stream while it waits for a chunk; otherwise an idle stream must
      // not keep the process alive.
      state->events.Unref(env);
      Napi::Object object = AddonData::of(env).streamConstructor.New({});
      StreamWrap::Unwrap(object)->state_ = state;
      state->producer = std::thread(produce, state);
      // Nothing below throws: from here the producer owns (and releases) the functions.
      if (napi_add_env_cleanup_hook(env, cancelOnTeardown, state.get()) == napi_ok) state->cleanupHookAdded = true;
      return object;
    } catch (...) {
      releaseFunctions();
      throw;
    }
  });
}

Napi::Value StreamWrap::grant(const Napi::CallbackInfo& info) {
  const uint32_t units = info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 1;
  if (state_) state_->stream->queue().grant(units);
  return info.Env().Undefined();
}

Napi::Value StreamWrap::cancel(const Napi::CallbackInfo& info) {
  if (state_) state_->stream->queue().cancel();
  return info.Env().Undefined();
}

Napi::Value StreamWrap::produced(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), state_ ? static_cast<double>(state_->stream->produced()) : 0);
}

Napi::Value StreamWrap::ref(const Napi::CallbackInfo& info) {
  if (state_ && !state_->eventsFinalized) state_->events.Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value StreamWrap::unref(const Napi::CallbackInfo& info) {
  if (state_ && !state_->eventsFinalized) state_->events.Unref(info.Env());
  return info.Env().Undefined();
}

}  // namespace kokoro::napi
