// One error type for the whole native core. The `code` is part of the public API: it reaches
// JavaScript unchanged as `error.code`, so codes are never renamed once released.
#pragma once

#include <stdexcept>
#include <string>

namespace kokoro {

namespace codes {
inline constexpr const char* kFileNotFound = "KOKORO_FILE_NOT_FOUND";
inline constexpr const char* kFileUnreadable = "KOKORO_FILE_UNREADABLE";
// The file exists and could be read, but is not what it should be (not a zip, not a torch
// checkpoint, malformed pickle, truncated storage...).
inline constexpr const char* kBadFormat = "KOKORO_BAD_FORMAT";
// A well-formed checkpoint whose tensors do not fit the architecture (missing, unexpected or
// mis-shaped tensor).
inline constexpr const char* kCheckpointMismatch = "KOKORO_CHECKPOINT_MISMATCH";
inline constexpr const char* kBadConfig = "KOKORO_BAD_CONFIG";
inline constexpr const char* kBadVoice = "KOKORO_BAD_VOICE";
inline constexpr const char* kDeviceUnavailable = "KOKORO_DEVICE_UNAVAILABLE";
inline constexpr const char* kInvalidArgument = "KOKORO_INVALID_ARGUMENT";
inline constexpr const char* kInputTooLong = "KOKORO_INPUT_TOO_LONG";
inline constexpr const char* kDisposed = "KOKORO_DISPOSED";
inline constexpr const char* kInferenceFailed = "KOKORO_INFERENCE_FAILED";
// Memory, threads or another system resource ran out: not a bug, and a retry may succeed.
inline constexpr const char* kResourceExhausted = "KOKORO_RESOURCE_EXHAUSTED";
inline constexpr const char* kUnsupportedLanguage = "KOKORO_UNSUPPORTED_LANGUAGE";
inline constexpr const char* kPhonemizerUnavailable = "KOKORO_PHONEMIZER_UNAVAILABLE";
inline constexpr const char* kInternal = "KOKORO_INTERNAL";
// The executor's submission queue is full and the model was loaded with whenFull 'reject'.
inline constexpr const char* kQueueFull = "KOKORO_QUEUE_FULL";
inline constexpr const char* kAborted = "KOKORO_ABORTED";
}  // namespace codes

class KokoroError : public std::runtime_error {
 public:
  KokoroError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}

  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace kokoro
