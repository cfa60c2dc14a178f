#include "napi/ErrorBridge.h"

#include <c10/util/Exception.h>

#include <system_error>

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
    // libtorch's CPU allocator reports failure as a plain c10::Error.
    const bool outOfMemory = dynamic_cast<const c10::OutOfMemoryError*>(&e) != nullptr ||
                             detail.find("not enough memory") != std::string::npos ||
                             detail.find("can't allocate memory") != std::string::npos;
    if (outOfMemory) return {codes::kResourceExhausted, operation + " ran out of memory: " + detail};
    return {codes::kInferenceFailed, operation + " failed inside libtorch: " + detail};
  } catch (const std::bad_alloc&) {
    return {codes::kResourceExhausted, operation + " ran out of memory"};
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::resource_unavailable_try_again || e.code() == std::errc::not_enough_memory) {
      return {codes::kResourceExhausted, operation + " could not get a system resource (" + e.what() +
                                             "); retry later or lower the concurrency"};
    }
    return {codes::kInternal, operation + " failed: " + e.what()};
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
