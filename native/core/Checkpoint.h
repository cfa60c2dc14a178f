// Reads official Kokoro checkpoints and voice packs (torch.save zip files) into tensors,
// without libtorch's pickle loader (which drops OrderedDicts, the container of state dicts).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

namespace kokoro {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// `{section: {module.<name>: tensor}}` -> `<section>.<name>` tensors in file order, with the
// `module.` prefix stripped, weight_g/weight_v pairs folded into `weight`, and ALBERT's
// `embeddings.position_ids` buffer dropped. Throws KokoroError naming the file.
NamedTensors readOfficialCheckpoint(const std::string& path);

// A file holding one bare tensor (a voice pack). Throws KokoroError naming the file.
at::Tensor readTensorFile(const std::string& path);

}  // namespace kokoro
