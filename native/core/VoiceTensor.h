// The one place where a voice pack given as floats is checked and turned into the tensor that
// requests share (by reference count, so a request costs no copy of its voice).
#pragma once

#include <cstddef>
#include <string>

#include <ATen/ATen.h>

namespace kokoro {

// A [rows, 256] float32 tensor holding a copy of `length` floats. Throws KokoroError(kBadVoice),
// naming `source`, unless `length` is a positive multiple of 256 and every value is finite.
at::Tensor makeVoiceTensor(const float* data, size_t length, const std::string& source);

}  // namespace kokoro
