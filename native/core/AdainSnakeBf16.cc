#include "core/AdainSnakeBf16.h"

// GCC 12's AVX-512 headers trip its own -Wmaybe-uninitialized (_mm512_undefined_ps inside the
// masked and reducing intrinsics; GCC bug 105593, fixed in 12.3).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cmath>

// Every function that runs AVX-512 carries the target attribute, so the rest of the build keeps
// the baseline instruction set; available() guards each call.
#define KOKORO_AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

namespace kokoro::bf16kernel {
namespace {

constexpr int kLanes = 16;         // floats per AVX-512 register
constexpr int64_t kBlock = 2048;   // values summed in float lanes before the sum goes into double
constexpr double kEpsilon = 1e-5;  // F.instance_norm's default, as the model uses it

// pi split for the reduction a - k * pi (Cody and Waite): kPiHigh is pi rounded to float, kPiLow
// the rest, so the reduced argument keeps float accuracy for every |k| the generator produces.
constexpr float kPiHigh = 3.14159274101257324f;
constexpr float kPiLow = -8.74227766e-8f;
constexpr float kInversePi = 0.318309886183790672f;
// sin(r) on [-pi/2, pi/2] as r + r^3 * p(r^2), p the Taylor polynomial to r^11: the truncation
// error is below r^13 / 13! = 6e-8 at the interval's ends, a few float ulps and 1/65,000 of a
// bfloat16 step.
constexpr float kSin3 = -1.0f / 6.0f;
constexpr float kSin5 = 1.0f / 120.0f;
constexpr float kSin7 = -1.0f / 5040.0f;
constexpr float kSin9 = 1.0f / 362880.0f;
constexpr float kSin11 = -1.0f / 39916800.0f;

KOKORO_AVX512_BF16 inline __mmask16 firstLanes(int64_t count) {
  return static_cast<__mmask16>((1u << count) - 1u);
}

// bfloat16 is the upper half of a float32: widening is a shift.
KOKORO_AVX512_BF16 inline __m512 widen(__m256i raw) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(raw), 16));
}

KOKORO_AVX512_BF16 inline __m512 load16(const c10::BFloat16* p) {
  return widen(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

// The first `mask` lanes of p; the others are 0.
KOKORO_AVX512_BF16 inline __m512 load16(const c10::BFloat16* p, __mmask16 mask) {
  return widen(_mm256_maskz_loadu_epi16(mask, p));
}

// Rounded to nearest even by the CPU (the rounding c10::BFloat16's conversion does).
KOKORO_AVX512_BF16 inline __m256i narrow(__m512 v) {
  return reinterpret_cast<__m256i>(_mm512_cvtneps_pbh(v));
}

// Sum of row[0, n), or with `center` the sum of (row[i] - center)^2: float lanes per block, the
// blocks summed in double, so that long rows lose no more than short ones.
template <bool kSquares>
KOKORO_AVX512_BF16 inline __m512 term(__m512 v, __m512 center) {
  return kSquares ? _mm512_sub_ps(v, center) : v;
}

template <bool kSquares>
KOKORO_AVX512_BF16 inline __m512 accumulate(__m512 sum, __m512 t) {
  return kSquares ? _mm512_fmadd_ps(t, t, sum) : _mm512_add_ps(sum, t);
}

template <bool kSquares>
KOKORO_AVX512_BF16 double blockedSum(const c10::BFloat16* row, int64_t n, float center) {
  const __m512 c = _mm512_set1_ps(center);
  double total = 0.0;
  for (int64_t start = 0; start < n; start += kBlock) {
    const int64_t end = std::min(n, start + kBlock);
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    int64_t i = start;
    for (; i + 4 * kLanes <= end; i += 4 * kLanes) {
      s0 = accumulate<kSquares>(s0, term<kSquares>(load16(row + i), c));
      s1 = accumulate<kSquares>(s1, term<kSquares>(load16(row + i + kLanes), c));
      s2 = accumulate<kSquares>(s2, term<kSquares>(load16(row + i + 2 * kLanes), c));
      s3 = accumulate<kSquares>(s3, term<kSquares>(load16(row + i + 3 * kLanes), c));
    }
    for (; i + kLanes <= end; i += kLanes) s0 = accumulate<kSquares>(s0, term<kSquares>(load16(row + i), c));
    if (i < end) {
      const __mmask16 mask = firstLanes(end - i);
      // The lanes past the row must add 0, also for the squares.
      s1 = accumulate<kSquares>(s1, _mm512_maskz_mov_ps(mask, term<kSquares>(load16(row + i, mask), c)));
    }
    total += static_cast<double>(_mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3))));
  }
  return total;
}

struct Lanes {
  __m512 a, b, alpha, inverse;
};

// y = a * x + b (the normalization and the style's affine terms in one), then
// y + sin(alpha * y)^2 / alpha.
KOKORO_AVX512_BF16 inline __m512 adainSnake16(__m512 x, const Lanes& t) {
  const __m512 y = _mm512_fmadd_ps(x, t.a, t.b);
  const __m512 u = _mm512_mul_ps(t.alpha, y);
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(u, _mm512_set1_ps(kInversePi)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(kPiHigh), u);
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(kPiLow), r);
  const __m512 r2 = _mm512_mul_ps(r, r);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(kSin11), r2, _mm512_set1_ps(kSin9));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(kSin7));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(kSin5));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(kSin3));
  const __m512 s = _mm512_fmadd_ps(_mm512_mul_ps(r, r2), p, r);
  return _mm512_fmadd_ps(_mm512_mul_ps(s, s), t.inverse, y);
}

}  // namespace

bool available() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
  return has;
}

KOKORO_AVX512_BF16 void rowStatistics(const c10::BFloat16* row, int64_t n, float* mean, float* scale) {
  const float m = static_cast<float>(blockedSum<false>(row, n, 0.0f) / static_cast<double>(n));
  const double squares = blockedSum<true>(row, n, m);
  const float variance = static_cast<float>(squares / static_cast<double>(n));
  *mean = m;
  *scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(variance) + kEpsilon));
}

KOKORO_AVX512_BF16 void transformRow(const c10::BFloat16* in, c10::BFloat16* out, int64_t n,
                                     const AdainSnakeRow& terms) {
  const float a = terms.scale * terms.gain;
  const Lanes t{_mm512_set1_ps(a), _mm512_set1_ps(terms.shift * terms.gain + terms.offset),
                _mm512_set1_ps(terms.alpha), _mm512_set1_ps(terms.inverse)};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), narrow(adainSnake16(load16(in + i), t)));
  }
  if (i < n) {
    const __mmask16 mask = firstLanes(n - i);
    _mm256_mask_storeu_epi16(out + i, mask, narrow(adainSnake16(load16(in + i, mask), t)));
  }
}

}  // namespace kokoro::bf16kernel
