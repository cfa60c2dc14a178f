// The bounds of one request, in one place: C++ enforces them and the addon exports them to
// JavaScript (lib/limits.ts), so neither side keeps its own copy.
#pragma once

#include <cstdint>

#include <ATen/ATen.h>

namespace kokoro::limits {

// Phoneme tokens one inference takes (the model's 512 positions minus the two pads).
inline constexpr int64_t kMaxTokens = 510;
// Speaking rates accepted (the usual server range). Slower rates multiply the work per token.
inline constexpr double kMinSpeed = 0.25;
inline constexpr double kMaxSpeed = 4.0;
// Most frames one token can last at speed 1: config.json's max_dur of every released Kokoro.
inline constexpr int64_t kMaxFramesPerToken = 50;
// Frames (1/40 s each) one inference may predict: the most a full 510-token input can reach at
// speed 1, i.e. 640 s of audio. Slower speeds reach it only with abnormally long durations;
// streams never do, because they cut their chunks to maxTokensAt(speed).
inline constexpr int64_t kMaxFrames = (kMaxTokens + 2) * kMaxFramesPerToken;

// Largest |value| of a style row: released voice packs stay within ±4 (mixes are weighted means
// of them), so this only rejects broken input, which would otherwise overflow the durations.
inline constexpr double kMaxStyleMagnitude = 1000.0;

// Throws KokoroError(kInvalidArgument) unless speed is in [kMinSpeed, kMaxSpeed].
void checkSpeed(double speed);
// Throws KokoroError(kBadVoice) unless the style row's largest |value| is finite and at most
// kMaxStyleMagnitude.
void checkStyleMagnitude(double maxAbs);
// Tokens per chunk that can never exceed kMaxFrames at `speed`, at most kMaxTokens.
int64_t maxTokensAt(double speed);
// Throws KokoroError(kInputTooLong) when one inference predicted more than kMaxFrames frames.
void checkFrames(int64_t frames);
// Throws KokoroError(kInferenceFailed) unless every sample is finite: NaN audio is never returned.
void checkFinite(const at::Tensor& audio);

}  // namespace kokoro::limits
