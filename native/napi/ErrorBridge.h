// The one place where native failures become JavaScript errors: every error carries a stable
// `code` (see core/Error.h); nothing thrown in C++ crosses into JS unconverted.
#pragma once

#include <napi.h>

#include <string>

namespace kokoro::napi {

struct CaughtError {
  std::string code;
  std::string message;
};

// Classifies the exception currently being handled (call inside a catch block).
CaughtError classifyCurrentException(const std::string& operation);

Napi::Error makeJsError(Napi::Env env, const CaughtError& error);

// Runs the body of a Node-API entry point. A Napi::Error (already a JS error) passes through;
// any other exception becomes a typed JS error instead of escaping the callback.
template <typename Body>
Napi::Value atBoundary(Napi::Env env, const std::string& operation, Body&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw makeJsError(env, classifyCurrentException(operation));
  }
}

// Runs the body of a ThreadSafeFunction callback, which Node calls from C: nothing may escape
// it (an escaping exception is std::terminate). A Napi::Error means JS code threw, or JS cannot
// run any more (environment teardown): the first is raised again as the callback's uncaught
// exception, as from any JS callback; the second is dropped, as nobody is left to tell. Any
// other exception goes to `onFailure` (a typed error for the caller), under the same rule.
template <typename Body, typename OnFailure>
void inCallback(Body&& body, OnFailure&& onFailure) noexcept {
  auto raise = [](const Napi::Error& error) {
    try {
      error.ThrowAsJavaScriptException();
    } catch (...) {
    }
  };
  try {
    body();
  } catch (const Napi::Error& error) {
    raise(error);
  } catch (...) {
    try {
      onFailure();
    } catch (const Napi::Error& error) {
      raise(error);
    } catch (...) {
    }
  }
}

}  // namespace kokoro::napi
