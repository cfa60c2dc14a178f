// Sanitizer fuzz of the text normalizer and the chunker: random mixtures of the characters
// their rules react to, every option combination, both locales; checks the offset mapping's
// invariants. Not part of `npm test` (it needs its own sanitizer build); run it with:
//
//   g++ -std=c++17 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Inative \
//     test/fuzz/normalizerFuzz.cc native/core/{TextNormalizer,NumberWords,OffsetTextBuilder,SpokenUnits,WebAddressReader,Abbreviations,TextChunker}.cc \
//     -o /tmp/normalizer-fuzz && /tmp/normalizer-fuzz [iterations]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "core/TextChunker.h"
#include "core/TextNormalizer.h"

int main(int argc, char** argv) {
  const char* pool[] = {"1", "0", "9", ".", ",", ":", "-", "/", "$", "\xC2\xA3", "\xE2\x82\xAC", "%", "@", "+", "(", ")",
                        " ", "a", "m", "p", "k", "I", "V", "X", "Dr", "St", ".com", "http://", "\xC2\xB0", "C", "st",
                        "s", "\n", "\xC3\xA9", "\xE2\x80\x93", "'", "e.g.", "No", "U.S.", "J.", "www.", "@b.org",
                        "\xC2\xBD", "\xE2\x88\x92", "#", "~", "\xFF", "\xE2"};
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200000;
  std::mt19937 rng(7);
  const kokoro::TextNormalizer normalizer;
  for (int iteration = 0; iteration < iterations; ++iteration) {
    std::string text;
    const int length = static_cast<int>(rng() % 30);
    for (int i = 0; i < length; ++i) text += pool[rng() % (sizeof(pool) / sizeof(*pool))];
    kokoro::NormalizationOptions options;
    for (bool* flag : {&options.numbers, &options.currency, &options.time, &options.dates, &options.units,
                       &options.urls, &options.emails, &options.phones, &options.symbols, &options.abbreviations}) {
      *flag = rng() % 4 != 0;
    }
    const auto result = normalizer.normalize(text, options, rng() % 2 == 0);
    bool valid = result.sourceOffset.size() == result.text.size() + 1 && result.sourceOffset.back() == text.size();
    for (size_t i = 1; valid && i < result.sourceOffset.size(); ++i) {
      valid = result.sourceOffset[i] >= result.sourceOffset[i - 1] && result.sourceOffset[i] <= text.size();
    }
    if (!valid) {
      std::printf("invalid offsets for \"%s\"\n", text.c_str());
      return 1;
    }
    kokoro::TextChunker chunker(text, 40);
    while (chunker.next()) {
    }
  }
  std::printf("%d inputs, no fault\n", iterations);
  return 0;
}
