#include "core/PackedWeights.h"

#include <string>

namespace kokoro {
namespace {

constexpr const char* kPackMethod = "pack_weight";
constexpr const char* kUnpackMethod = "unpacked_weight";
constexpr const char* kPackedAttribute = "packed_weight";
constexpr const char* kDecoderPrefix = "decoder.";

template <typename Visit>
void forEachPackableDecoderModule(torch::jit::Module& module, Visit visit) {
  for (const auto& child : module.named_modules()) {
    if (child.name.rfind(kDecoderPrefix, 0) != 0) continue;
    torch::jit::Module target = child.value;
    if (target.find_method(kPackMethod) && target.hasattr(kPackedAttribute)) visit(target);
  }
}

}  // namespace

int packDecoderWeights(torch::jit::Module& module) {
  int packed = 0;
  forEachPackableDecoderModule(module, [&packed](torch::jit::Module& conv) {
    if (!conv.run_method(kPackMethod).toBool()) return;
    const at::Tensor plain = conv.attr("weight").toTensor();
    // Forward reads only the packed weight from now on; an empty tensor keeps the dtype.
    conv.register_parameter("weight", at::empty({0}, plain.options()), /*is_buffer=*/false);
    ++packed;
  });
  return packed;
}

void unpackDecoderWeights(torch::jit::Module& module) {
  forEachPackableDecoderModule(module, [](torch::jit::Module& conv) {
    if (conv.attr(kPackedAttribute).isNone()) return;
    const at::Tensor plain = conv.run_method(kUnpackMethod).toTensor().contiguous();
    conv.register_parameter("weight", plain, /*is_buffer=*/false);
    conv.setattr(kPackedAttribute, c10::IValue());
  });
}

}  // namespace kokoro
