// Convolution weights kept in oneDNN's blocked layout for the life of a model.
//
// libtorch 1.13 reorders a plain-layout weight into the layout its oneDNN kernel reads on every
// call; for the decoder's 1024-channel bfloat16 convolutions that copy costs about as much as
// the convolution itself on a short input, and it does not shrink with the input length. The
// model code (models/kokoro_ts/layers.py: Conv1d.pack_weight, and ConvTranspose1d.pack_weight
// for the upsampling's polyphase weight, built once instead of per call) decides which weights
// can be packed and runs the packed ones through the same kernel (identical results).
#pragma once

#include <torch/script.h>

namespace kokoro {

// Packs every decoder convolution weight that the model code packs (bfloat16 on the CPU) and
// frees the plain copy. Returns how many it packed.
int packDecoderWeights(torch::jit::Module& module);

// Restores the plain weights of a (cloned) module packed by packDecoderWeights, e.g. to save it.
void unpackDecoderWeights(torch::jit::Module& module);

}  // namespace kokoro
