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

}  // namespace kokoro::napi
