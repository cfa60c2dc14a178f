#include "napi/ErrorBridge.h"

#include <c10/util/Exception.h>

#include "core/Error.h"

namespace kokoro::napi {

CaughtError classifyCurrentException(const std::string& operation) {
  try {
    throw;
  } catch (const KokoroError& e) {
    return {e.code(), e.what()};
  } catch (const c10::Error& e) {
    std::string detail = e.what_without_backtrace();
    if (detail.size() > 400) detail.resize(400);
    return {codes::kInferenceFailed, operation + " failed inside libtorch: " + detail};
  } catch (const std::bad_alloc&) {
    return {codes::kInferenceFailed, operation + " ran out of memory"};
  } catch (const std::exception& e) {
    return {codes::kInternal, operation + " failed: " + e.what()};
  } catch (...) {
    return {codes::kInternal, operation + " failed with an unknown native exception"};
  }
}

Napi::Error makeJsError(Napi::Env env, const CaughtError& error) {
  Napi::Error jsError = Napi::Error::New(env, error.message);
  jsError.Set("code", Napi::String::New(env, error.code));
  return jsError;
}

}  // namespace kokoro::napi
