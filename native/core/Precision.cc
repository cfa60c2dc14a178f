#include "core/Precision.h"

#include <cpuid.h>

#include <array>

#include "core/Error.h"

namespace kokoro {
namespace {

// Parameters under these prefixes stay float32 whatever the precision (see Precision.h). The
// model code casts at these boundaries by following each layer's weight dtype.
constexpr std::array<const char*, 2> kFloat32Only = {
    "decoder.generator.m_source.",
    "decoder.generator.conv_post.",
};
// The upsampling transposed convolutions run in bfloat16 in their polyphase form
// (models/kokoro_ts/layers.py ConvTranspose1d); in float16 they stay float32.
constexpr const char* kUpsamplingPrefix = "decoder.generator.ups.";
constexpr const char* kDecoderPrefix = "decoder.";

bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

bool staysFloat32(const std::string& name, Precision precision) {
  for (const char* prefix : kFloat32Only) {
    if (startsWith(name, prefix)) return true;
  }
  return precision != Precision::kBFloat16 && startsWith(name, kUpsamplingPrefix);
}

// XCR0 bits the OS must enable for AVX-512 state: SSE, AVX, opmask, ZMM upper halves, ZMM 16-31.
bool osSavesAvx512State() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & bit_OSXSAVE) == 0) return false;
  unsigned low = 0, high = 0;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  constexpr unsigned kAvx512State = 0xE6;
  return (low & kAvx512State) == kAvx512State;
}

}  // namespace

bool cpuHasNativeBf16() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const unsigned maxSubleaf = eax;
  const bool amxBf16 = (edx & (1u << 22)) != 0;
  bool avx512Bf16 = false;
  if (maxSubleaf >= 1) {
    unsigned eax1 = 0, ebx1 = 0, ecx1 = 0, edx1 = 0;
    __get_cpuid_count(7, 1, &eax1, &ebx1, &ecx1, &edx1);
    avx512Bf16 = (eax1 & (1u << 5)) != 0;
  }
  return (avx512Bf16 || amxBf16) && osSavesAvx512State();
}

Precision resolvePrecision(const std::string& requested, const std::string& device) {
  const bool cuda = device != "cpu";
  if (requested == "fp32") return Precision::kFloat32;
  if (requested == "auto") return !cuda && cpuHasNativeBf16() ? Precision::kBFloat16 : Precision::kFloat32;
  if (requested == "bf16") return Precision::kBFloat16;
  if (requested == "fp16") {
    if (!cuda) {
      throw KokoroError(codes::kInvalidArgument,
                        "precision 'fp16' needs a CUDA device (libtorch's CPU kernels lack float16); "
                        "use 'bf16' or 'auto' on the CPU");
    }
    return Precision::kFloat16;
  }
  throw KokoroError(codes::kInvalidArgument,
                    "unknown precision '" + requested + "': use 'fp32', 'bf16', 'fp16' (CUDA) or 'auto'");
}

const char* precisionName(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16: return "bf16";
    case Precision::kFloat16: return "fp16";
    case Precision::kFloat32: break;
  }
  return "fp32";
}

c10::ScalarType precisionType(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16: return at::kBFloat16;
    case Precision::kFloat16: return at::kHalf;
    case Precision::kFloat32: break;
  }
  return at::kFloat;
}

void convertDecoder(torch::jit::Module& module, Precision precision) {
  const c10::ScalarType type = precisionType(precision);
  for (const auto& owner : module.named_modules()) {
    const std::string prefix = owner.name.empty() ? "" : owner.name + ".";
    if (!startsWith(prefix, kDecoderPrefix)) continue;
    torch::jit::Module target = owner.value;
    for (const auto& param : target.named_parameters(/*recurse=*/false)) {
      const c10::ScalarType wanted = staysFloat32(prefix + param.name, precision) ? at::kFloat : type;
      if (param.value.scalar_type() != wanted) {
        target.register_parameter(param.name, param.value.to(wanted), /*is_buffer=*/false);
      }
    }
  }
}

}  // namespace kokoro
