// What a phonemizer gives for one piece of text: the phonemes and, when the front end knows it,
// where each phoneme word came from, so that word timestamps point at the text the user wrote.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kokoro {

struct PhonemizedText {
  std::string phonemes;
  // One [begin, end) byte range of the input per space-separated word of `phonemes`, in order;
  // empty when unknown. Several phoneme words may share a range (`$5` → "five dollars").
  std::vector<std::pair<uint32_t, uint32_t>> wordSources;
};

// Text of one piece to phonemes; called from a stream's producer thread or the thread pool.
using PhonemizeFn = std::function<PhonemizedText(const std::string& text)>;

}  // namespace kokoro
