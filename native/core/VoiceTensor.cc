#include "core/VoiceTensor.h"

#include <cmath>
#include <cstring>

#include "core/Error.h"
#include "core/KModel.h"

namespace kokoro {

at::Tensor makeVoiceTensor(const float* data, size_t length, const std::string& source) {
  if (length == 0 || length % KModel::kStyleWidth != 0) {
    throw KokoroError(codes::kBadVoice, "voice " + source + " has " + std::to_string(length) +
                                            " values: expected a multiple of 256 (rows of a voice pack)");
  }
  for (size_t i = 0; i < length; ++i) {
    if (!std::isfinite(data[i])) {
      throw KokoroError(codes::kBadVoice, "voice " + source + " has a non-finite value (NaN or infinity) at index " +
                                              std::to_string(i) + ": the voice file or mix is corrupt");
    }
  }
  const auto rows = static_cast<int64_t>(length / KModel::kStyleWidth);
  at::Tensor tensor = at::empty({rows, KModel::kStyleWidth}, at::kFloat);
  std::memcpy(tensor.data_ptr<float>(), data, length * sizeof(float));
  return tensor;
}

}  // namespace kokoro
