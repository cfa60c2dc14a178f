#include "core/Limits.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/Error.h"

namespace kokoro::limits {

void checkSpeed(double speed) {
  if (!(speed >= kMinSpeed && speed <= kMaxSpeed)) {
    std::ostringstream message;
    message << "speed must be a number in [" << kMinSpeed << ", " << kMaxSpeed << "], got " << speed;
    throw KokoroError(codes::kInvalidArgument, message.str());
  }
}

void checkStyleMagnitude(double maxAbs) {
  if (!(maxAbs <= kMaxStyleMagnitude)) {
    std::ostringstream message;
    message << "voice style values must be finite and within ±" << kMaxStyleMagnitude << " (voice packs stay within ±4), got |value| up to "
            << maxAbs << ": the voice file or Float32Array is corrupt";
    throw KokoroError(codes::kBadVoice, message.str());
  }
}

int64_t maxTokensAt(double speed) {
  // A token lasts at most round(kMaxFramesPerToken / speed) frames; both pads count too.
  const auto framesPerToken = static_cast<int64_t>(std::ceil(static_cast<double>(kMaxFramesPerToken) / speed));
  return std::min(kMaxTokens, kMaxFrames / framesPerToken - 2);
}

void checkFrames(int64_t frames) {
  if (frames > kMaxFrames) {
    throw KokoroError(codes::kInputTooLong,
                      "the model predicted " + std::to_string(frames) + " frames (" + std::to_string(frames / 40) +
                          " s of audio) for one input; the limit is " + std::to_string(kMaxFrames) +
                          ". Use fewer tokens per call or a higher speed (streams split their input for you).");
  }
}

void checkFinite(const at::Tensor& audio) {
  if (!at::isfinite(audio).all().item<bool>()) {
    throw KokoroError(codes::kInferenceFailed,
                      "the model produced non-finite audio (NaN or infinity): its weights or the voice are corrupt. "
                      "Re-download the checkpoint and voice.");
  }
}

}  // namespace kokoro::limits
