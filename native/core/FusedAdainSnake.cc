#include "core/FusedAdainSnake.h"

// Built with -ffp-contract=off (CMakeLists.txt): every multiply-add below that libtorch fuses is
// written as an explicit fma, and no other may be contracted, or the float32 result would no
// longer be libtorch's bit for bit.

#include <dlfcn.h>
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "core/AdainSnakeBf16.h"

namespace kokoro {
namespace {

constexpr double kEpsilon = 1e-5;  // F.instance_norm's default, as the model uses it
constexpr int kLanes = 8;          // one AVX2 register of floats
constexpr int kRowsTogether = 4;   // rows whose statistics are summed side by side

using RowTerms = AdainSnakeRow;

inline float toFloat(float v) { return v; }
inline float toFloat(at::BFloat16 v) { return static_cast<float>(v); }

// Mean and 1/sqrt(var + eps) of R rows of n values. Each row is summed sequentially in double,
// the mean rounded to float, then the squared float deviations summed the same way: libtorch's
// batch_norm statistics (what instance_norm runs), so the float32 results are its own. The R
// rows are interleaved so that R independent additions are in flight.
template <int R, typename T>
void rowStatistics(const T* const* rows, int64_t n, float* mean, float* scale) {
  double sum[R] = {};
  for (int64_t i = 0; i < n; ++i) {
    for (int r = 0; r < R; ++r) sum[r] += toFloat(rows[r][i]);
  }
  float m[R];
  for (int r = 0; r < R; ++r) m[r] = static_cast<float>(sum[r] / n);
  double squares[R] = {};
  for (int64_t i = 0; i < n; ++i) {
    for (int r = 0; r < R; ++r) {
      const float d = toFloat(rows[r][i]) - m[r];
      squares[r] += d * d;
    }
  }
  for (int r = 0; r < R; ++r) {
    const float variance = static_cast<float>(squares[r]) / static_cast<float>(n);
    mean[r] = m[r];
    scale[r] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(variance) + kEpsilon));
  }
}

// bfloat16 rows, which need not match libtorch bit for bit: the same two passes, vectorized,
// summing in double (4 accumulators of 4 lanes).
__attribute__((target("avx2,fma"))) inline __m256d widenLow(__m256 v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
__attribute__((target("avx2,fma"))) inline __m256d widenHigh(__m256 v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }

__attribute__((target("avx2,fma"))) inline double horizontalSum(__m256d a, __m256d b) {
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, _mm256_add_pd(a, b));
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

__attribute__((target("avx2,fma"))) __m256 load8(const at::BFloat16* p);

__attribute__((target("avx2,fma"))) void rowStatisticsAvx2(const at::BFloat16* row, int64_t n, float* mean, float* scale) {
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd(), s2 = _mm256_setzero_pd(), s3 = _mm256_setzero_pd();
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const __m256 a = load8(row + i), b = load8(row + i + kLanes);
    s0 = _mm256_add_pd(s0, widenLow(a));
    s1 = _mm256_add_pd(s1, widenHigh(a));
    s2 = _mm256_add_pd(s2, widenLow(b));
    s3 = _mm256_add_pd(s3, widenHigh(b));
  }
  double sum = horizontalSum(_mm256_add_pd(s0, s2), _mm256_add_pd(s1, s3));
  for (int64_t j = i; j < n; ++j) sum += toFloat(row[j]);
  const float m = static_cast<float>(sum / n);
  const __m256 vm = _mm256_set1_ps(m);
  s0 = s1 = s2 = s3 = _mm256_setzero_pd();
  for (i = 0; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const __m256 a = _mm256_sub_ps(load8(row + i), vm), b = _mm256_sub_ps(load8(row + i + kLanes), vm);
    const __m256 aa = _mm256_mul_ps(a, a), bb = _mm256_mul_ps(b, b);
    s0 = _mm256_add_pd(s0, widenLow(aa));
    s1 = _mm256_add_pd(s1, widenHigh(aa));
    s2 = _mm256_add_pd(s2, widenLow(bb));
    s3 = _mm256_add_pd(s3, widenHigh(bb));
  }
  double squares = horizontalSum(_mm256_add_pd(s0, s2), _mm256_add_pd(s1, s3));
  for (int64_t j = i; j < n; ++j) {
    const float d = toFloat(row[j]) - m;
    squares += d * d;
  }
  const float variance = static_cast<float>(squares) / static_cast<float>(n);
  *mean = m;
  *scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(variance) + kEpsilon));
}

// ---- sin: libtorch's own when it can be found ----

bool cpuHasAvx2Fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

using SinF8 = __m256 (*)(__m256);

// libtorch's vectorized float sin is SLEEF's, but which SLEEF function depends on the release:
// 1.13 calls the 1-ulp Sleef_sinf8_u10, 2.6 the 3.5-ulp Sleef_sinf16_u35 (measured: they differ
// in the last bit for 12 % of the generator's arguments; every vector width of one accuracy gives
// the same values). Debian's libtorch links libsleef dynamically: take the candidates from the
// copy already loaded and keep the one whose values equal libtorch's own sin on a probe that
// spans the arguments Snake sees; none (another build of libtorch) leaves libm's sinf.
__attribute__((target("avx2,fma"))) bool matchesLibtorchSin(SinF8 candidate) {
  constexpr int64_t kProbe = 4096;
  at::Tensor probe = at::empty({kProbe}, at::kFloat);
  float* values = probe.data_ptr<float>();
  for (int64_t i = 0; i < kProbe; ++i) {
    // A scrambled spread over [-64, 64): integer hashing keeps it exact and repeatable.
    values[i] = static_cast<float>((static_cast<uint32_t>(i) * 2654435761u) % 65536u) / 512.0f - 64.0f;
  }
  const at::Tensor expected = at::sin(probe).contiguous();
  const float* wanted = expected.data_ptr<float>();
  alignas(32) float lanes[kLanes];
  for (int64_t i = 0; i < kProbe; i += kLanes) {
    _mm256_store_ps(lanes, candidate(_mm256_loadu_ps(values + i)));
    if (std::memcmp(lanes, wanted + i, sizeof(lanes)) != 0) return false;
  }
  return true;
}

struct SleefSin {
  SinF8 function = nullptr;
  const char* name = "";
};

SleefSin findSleefSin() {
  if (!cpuHasAvx2Fma()) return {};
  void* library = dlopen("libsleef.so.3", RTLD_NOW | RTLD_NOLOAD);
  if (library == nullptr) return {};
  for (const char* name : {"Sleef_sinf8_u10", "Sleef_sinf8_u35"}) {
    auto candidate = reinterpret_cast<SinF8>(dlsym(library, name));
    if (candidate != nullptr && matchesLibtorchSin(candidate)) return {candidate, name};
  }
  return {};
}

// Resolved on first use, which runs a libtorch op: callers take it before a parallel region.
const SleefSin& libtorchSin() {
  static const SleefSin found = findSleefSin();
  return found;
}

SinF8 sleefSin() { return libtorchSin().function; }

// ---- the element-wise pass, AVX2 ----

__attribute__((target("avx2,fma"))) inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }

__attribute__((target("avx2,fma"))) __m256 load8(const at::BFloat16* p) {
  const __m128i half = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(half), 16));
}

__attribute__((target("avx2,fma"))) inline void store8(float* p, __m256 v) { _mm256_storeu_ps(p, v); }

// Round to nearest even, NaN kept quiet: c10::BFloat16's conversion, eight at a time.
__attribute__((target("avx2,fma"))) inline void store8(at::BFloat16* p, __m256 v) {
  const __m256i bits = _mm256_castps_si256(v);
  const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
  __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(bits, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff))), 16);
  const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  rounded = _mm256_blendv_epi8(rounded, _mm256_set1_epi32(0x7fc0), nan);
  const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(rounded, rounded), 0xd8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(packed));
}

__attribute__((target("avx2,fma"))) inline __m256 sin8(__m256 v, SinF8 sleef) {
  if (sleef != nullptr) return sleef(v);
  alignas(32) float lanes[kLanes];
  _mm256_store_ps(lanes, v);
  for (float& lane : lanes) lane = std::sin(lane);
  return _mm256_load_ps(lanes);
}

// The roundings of the unfused ops, in their order: the normalization (libtorch's batch_norm
// kernel: one fma), times (1 + gamma), plus beta, then y + (1/alpha) * sin(alpha * y)^2.
__attribute__((target("avx2,fma"))) inline __m256 adainSnake8(__m256 v, const RowTerms& t, SinF8 sleef) {
  __m256 y = _mm256_fmadd_ps(v, _mm256_set1_ps(t.scale), _mm256_set1_ps(t.shift));
  y = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(t.gain), y), _mm256_set1_ps(t.offset));
  const __m256 s = sin8(_mm256_mul_ps(_mm256_set1_ps(t.alpha), y), sleef);
  return _mm256_add_ps(y, _mm256_mul_ps(_mm256_set1_ps(t.inverse), _mm256_mul_ps(s, s)));
}

template <typename T>
__attribute__((target("avx2,fma"))) void transformRowAvx2(const T* in, T* out, int64_t n, const RowTerms& t) {
  const SinF8 sleef = sleefSin();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store8(out + i, adainSnake8(load8(in + i), t, sleef));
  if (i < n) {
    // The tail through the same lanes (zero-filled), as libtorch's vectorized loops do.
    T buffer[kLanes] = {};
    std::memcpy(buffer, in + i, sizeof(T) * (n - i));
    store8(buffer, adainSnake8(load8(buffer), t, sleef));
    std::memcpy(out + i, buffer, sizeof(T) * (n - i));
  }
}

// CPUs without AVX2: the same roundings, one value at a time (sin from libm).
template <typename T>
void transformRowScalar(const T* in, T* out, int64_t n, const RowTerms& t) {
  for (int64_t i = 0; i < n; ++i) {
    float y = std::fma(toFloat(in[i]), t.scale, t.shift);
    y = t.gain * y + t.offset;
    const float s = std::sin(t.alpha * y);
    out[i] = static_cast<T>(y + t.inverse * (s * s));
  }
}

template <typename T>
void transformRow(const T* in, T* out, int64_t n, const RowTerms& t) {
  if constexpr (std::is_same_v<T, at::BFloat16>) {
    if (bf16kernel::available()) return bf16kernel::transformRow(in, out, n, t);
  }
  if (cpuHasAvx2Fma()) {
    transformRowAvx2(in, out, n, t);
  } else {
    transformRowScalar(in, out, n, t);
  }
}

// Every row's statistics, then onRow(row, terms) for it, rows in parallel.
template <typename T, typename OnRow>
void forEachRow(const at::Tensor& x, const float* gamma, const float* beta, const float* alpha, const OnRow& onRow) {
  const int64_t channels = x.size(1);
  const int64_t n = x.size(2);
  const T* input = x.data_ptr<T>();
  auto terms = [&](int64_t row, float mean, float scale) {
    const int64_t channel = row % channels;
    const float a = alpha[channel];
    return RowTerms{scale, 0.0f - mean * scale, 1.0f + gamma[row], beta[row], a, 1.0f / a};
  };
  libtorchSin();
  at::parallel_for(0, x.size(0) * channels, 1, [&](int64_t begin, int64_t end) {
    int64_t row = begin;
    if constexpr (std::is_same_v<T, at::BFloat16>) {
      using RowStatistics = void (*)(const at::BFloat16*, int64_t, float*, float*);
      const RowStatistics statistics = bf16kernel::available() ? bf16kernel::rowStatistics
                                       : cpuHasAvx2Fma()       ? rowStatisticsAvx2
                                                               : nullptr;
      if (statistics != nullptr) {
        for (; row < end; ++row) {
          float mean, scale;
          statistics(input + row * n, n, &mean, &scale);
          onRow(row, terms(row, mean, scale));
        }
        return;
      }
    }
    for (; row + kRowsTogether <= end; row += kRowsTogether) {
      const T* rows[kRowsTogether];
      for (int r = 0; r < kRowsTogether; ++r) rows[r] = input + (row + r) * n;
      float mean[kRowsTogether], scale[kRowsTogether];
      rowStatistics<kRowsTogether>(rows, n, mean, scale);
      for (int r = 0; r < kRowsTogether; ++r) onRow(row + r, terms(row + r, mean[r], scale[r]));
    }
    for (; row < end; ++row) {
      const T* rows[1] = {input + row * n};
      float mean, scale;
      rowStatistics<1>(rows, n, &mean, &scale);
      onRow(row, terms(row, mean, scale));
    }
  });
}

template <typename T>
void runFused(const at::Tensor& x, const float* gamma, const float* beta, const float* alpha, at::Tensor& out) {
  const int64_t n = x.size(2);
  const T* input = x.data_ptr<T>();
  T* output = out.data_ptr<T>();
  forEachRow<T>(x, gamma, beta, alpha, [&](int64_t row, const RowTerms& terms) {
    transformRow(input + row * n, output + row * n, n, terms);
  });
}

template <typename T>
void applyRows(const at::Tensor& x, const std::vector<AdainSnakeRow>& rows, int64_t begin, int64_t count,
               at::Tensor& out, int64_t at) {
  const int64_t n = x.size(2);
  const int64_t width = out.size(2);
  const T* input = x.data_ptr<T>();
  T* output = out.data_ptr<T>();
  libtorchSin();
  at::parallel_for(0, static_cast<int64_t>(rows.size()), 1, [&](int64_t first, int64_t end) {
    for (int64_t row = first; row < end; ++row) {
      transformRow(input + row * n + begin, output + row * width + at, count, rows[row]);
    }
  });
}

// gamma, beta and alpha as contiguous float32, which every path reads.
struct FloatTerms {
  at::Tensor gamma, beta, alpha;
  FloatTerms(const at::Tensor& g, const at::Tensor& b, const at::Tensor& a)
      : gamma(g.to(at::kFloat).contiguous()), beta(b.to(at::kFloat).contiguous()), alpha(a.to(at::kFloat).contiguous()) {}
};

}  // namespace

at::Tensor adainSnakeReference(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                               const at::Tensor& alpha) {
  const at::Tensor normed = at::instance_norm(x, {}, {}, {}, {}, true, 0.1, kEpsilon, false);
  const at::Tensor y = (gamma + 1) * normed + beta;
  return y + alpha.reciprocal() * at::sin(alpha * y).pow(2);
}

bool adainSnakeFusable(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                       const at::Tensor& alpha) {
  const auto type = x.scalar_type();
  if (!x.device().is_cpu() || (type != at::kFloat && type != at::kBFloat16)) return false;
  // One step is instance_norm's error ("more than 1 spatial element"): left to it.
  if (x.dim() != 3 || !x.is_contiguous() || x.size(2) < 2) return false;
  for (const at::Tensor* t : {&gamma, &beta, &alpha}) {
    if (!t->device().is_cpu() || t->scalar_type() != type) return false;
  }
  const int64_t rows = x.size(0) * x.size(1);
  return gamma.numel() == rows && beta.numel() == rows && alpha.numel() == x.size(1);
}

void adainSnakeFused(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                     const at::Tensor& alpha, at::Tensor& out) {
  const FloatTerms f(gamma, beta, alpha);
  const float* g = f.gamma.data_ptr<float>();
  const float* b = f.beta.data_ptr<float>();
  const float* a = f.alpha.data_ptr<float>();
  if (x.scalar_type() == at::kFloat) {
    runFused<float>(x, g, b, a, out);
  } else {
    runFused<at::BFloat16>(x, g, b, a, out);
  }
}

std::vector<AdainSnakeRow> adainSnakeRows(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                                          const at::Tensor& alpha) {
  const FloatTerms f(gamma, beta, alpha);
  std::vector<AdainSnakeRow> rows(static_cast<size_t>(x.size(0) * x.size(1)));
  auto keep = [&](int64_t row, const RowTerms& terms) { rows[static_cast<size_t>(row)] = terms; };
  const float* g = f.gamma.data_ptr<float>();
  const float* b = f.beta.data_ptr<float>();
  const float* a = f.alpha.data_ptr<float>();
  if (x.scalar_type() == at::kFloat) {
    forEachRow<float>(x, g, b, a, keep);
  } else {
    forEachRow<at::BFloat16>(x, g, b, a, keep);
  }
  return rows;
}

void adainSnakeApply(const at::Tensor& x, const std::vector<AdainSnakeRow>& rows, int64_t begin, int64_t count,
                     at::Tensor& out, int64_t at) {
  if (x.scalar_type() == at::kFloat) {
    applyRows<float>(x, rows, begin, count, out, at);
  } else {
    applyRows<at::BFloat16>(x, rows, begin, count, out, at);
  }
}

std::string fusedSinSource() {
  const SleefSin& sin = libtorchSin();
  return sin.function != nullptr ? std::string("sleef's ") + sin.name + " (libtorch's)" : "libm";
}

}  // namespace kokoro
