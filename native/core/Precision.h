// Which floating-point type the decoder's weights and activations use, and where that is safe.
//
// The text side (ALBERT, prosody predictor: durations, F0, energy) always runs in float32, so
// durations do not depend on the precision. The decoder may run in bfloat16 (CPU with native
// bf16 instructions, or CUDA) or float16 (CUDA), except the parts that stay float32 because
// rounding there is amplified or kernels are missing: the harmonic source (phase
// accumulation), both STFTs and the spectrum head (conv_post, whose phase output goes through
// sin), and in float16 the upsampling transposed convolutions (in bfloat16 they run as
// polyphase convolutions: libtorch 1.13 has no bf16 CPU kernel for the transposed op).
#pragma once

#include <string>

#include <c10/core/ScalarType.h>
#include <torch/script.h>

namespace kokoro {

enum class Precision { kFloat32, kBFloat16, kFloat16 };

// "fp32", "bf16", "fp16" or "auto" for `device` (resolved: "cpu", "cuda", "cuda:N"). auto is
// bf16 on a CPU with native bf16 instructions (AVX512-BF16 or AMX-BF16), else fp32; on CUDA it
// is fp32 (half precision there is opt-in). fp16 is CUDA only. Throws KokoroError otherwise.
Precision resolvePrecision(const std::string& requested, const std::string& device);

const char* precisionName(Precision precision);
c10::ScalarType precisionType(Precision precision);

// Whether this CPU (and the OS, for the AVX-512 state) supports bf16 arithmetic natively.
bool cpuHasNativeBf16();

// Converts the decoder's parameters to `precision`'s type, leaving the float32-only parts
// (see above) in float32. Converting to kFloat32 restores float32 everywhere.
void convertDecoder(torch::jit::Module& module, Precision precision);

}  // namespace kokoro
