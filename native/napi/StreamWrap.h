// JS handle of a SpeechStream. A producer thread runs the stream and sends each chunk (then an
// end or error event) to a JS callback through a ThreadSafeFunction; JS paces it with grant()
// and stops it with cancel(). Languages phonemized in JS (Japanese, Mandarin) are reached from
// the producer through a second ThreadSafeFunction.
#pragma once

#include <napi.h>

#include <memory>

namespace kokoro::napi {

struct StreamState;

class StreamWrap : public Napi::ObjectWrap<StreamWrap> {
 public:
  static Napi::Function defineClass(Napi::Env env);
  // start(model, text, voice, speed, seed, espeakLanguage | null, jsPhonemize | null, onEvent, english?)
  static Napi::Value start(const Napi::CallbackInfo& info);
  explicit StreamWrap(const Napi::CallbackInfo& info);
  ~StreamWrap() override;

 private:
  Napi::Value grant(const Napi::CallbackInfo& info);
  Napi::Value cancel(const Napi::CallbackInfo& info);
  Napi::Value produced(const Napi::CallbackInfo& info);
  Napi::Value ref(const Napi::CallbackInfo& info);
  Napi::Value unref(const Napi::CallbackInfo& info);

  std::shared_ptr<StreamState> state_;
};

}  // namespace kokoro::napi
