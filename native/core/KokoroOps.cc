#include "core/KokoroOps.h"

#include <cstdlib>
#include <cstring>

#include <ATen/ATen.h>
#include <torch/library.h>

#include "core/AdainSnakeBf16.h"
#include "core/FusedAdainSnake.h"
#include "core/IntraOpThreads.h"
#include "core/TiledConvTranspose.h"
#include "core/TiledSnakeConv.h"

namespace kokoro {
namespace {

// Tiles pay only where the peak is: they cost fp32 about 14 % in speed on a long pass (a copy per
// tile and the element-wise pass re-reading its halo), and a stage tensor below this size does not
// set the process's peak (BENCHMARKS.md, "Issue 8: fp32 peak, fourth pass"). 32 MiB is 128 float32
// channels x 65,536 steps, about 13.6 s of audio in the generator's last stage.
constexpr int64_t kTileFromBytes = int64_t{32} << 20;

int64_t tileStepsFor(int64_t stageBytes, int64_t tileSteps) {
  return stageBytes >= kTileFromBytes ? tileSteps : 0;  // 0: the whole convolution
}

bool useFused(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& alpha) {
  return fusedKernelsEnabled() && adainSnakeFusable(x, gamma, beta, alpha);
}

// Every op below starts with adaptIntraOpThreads(): these are the calls a decode makes dozens of
// times on its executor thread, where a pass with adaptive threads follows its share of the cores.

at::Tensor adainSnake(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                      const at::Tensor& alpha) {
  adaptIntraOpThreads();
  if (!useFused(x, gamma, beta, alpha)) return adainSnakeReference(x, gamma, beta, alpha);
  at::Tensor out = at::empty_like(x, at::MemoryFormat::Contiguous);
  adainSnakeFused(x, gamma, beta, alpha, out);
  return out;
}

at::Tensor& adainSnakeInPlace(at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                              const at::Tensor& alpha) {
  adaptIntraOpThreads();
  if (!useFused(x, gamma, beta, alpha)) return x.copy_(adainSnakeReference(x, gamma, beta, alpha));
  adainSnakeFused(x, gamma, beta, alpha, x);
  return x;
}

at::Tensor adainSnakeConv(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                          const at::Tensor& alpha, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                          int64_t padding, int64_t dilation) {
  adaptIntraOpThreads();
  return snakeConv(x, gamma, beta, alpha, weight, bias, padding, dilation, c10::nullopt,
                   tileStepsFor(static_cast<int64_t>(x.nbytes()), kSnakeConvTileSteps));
}

at::Tensor& adainSnakeConvAdd(at::Tensor& sum, const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                              const at::Tensor& alpha, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                              int64_t padding, int64_t dilation) {
  adaptIntraOpThreads();
  snakeConv(x, gamma, beta, alpha, weight, bias, padding, dilation, sum,
            tileStepsFor(static_cast<int64_t>(x.nbytes()), kSnakeConvTileSteps));
  return sum;
}

at::Tensor tiledConvTranspose(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                              int64_t stride, int64_t padding, int64_t outputPadding, int64_t groups) {
  adaptIntraOpThreads();
  const int64_t outputBytes = x.dim() == 3 && weight.dim() == 3
                                  ? x.size(0) * weight.size(1) * x.size(2) * stride * static_cast<int64_t>(x.element_size())
                                  : 0;
  return convTranspose1d(x, weight, bias, stride, padding, outputPadding, groups,
                         tileStepsFor(outputBytes, kConvTransposeTileSteps));
}

}  // namespace

bool fusedKernelsEnabled() {
  const char* setting = std::getenv("KOKORO_FUSED");
  return setting == nullptr || std::strcmp(setting, "0") != 0;
}

bool convolutionTilesEnabled() {
  const char* setting = std::getenv("KOKORO_CONV_TILES");
  return fusedKernelsEnabled() && (setting == nullptr || std::strcmp(setting, "0") != 0);
}

std::string fusedKernelsDescription() {
  if (!fusedKernelsEnabled()) return "off (KOKORO_FUSED=0)";
  const std::string bf16 = bf16kernel::available() ? "bf16 on AVX-512 BF16 with a polynomial sin"
                                                    : "bf16 with the fp32 arithmetic, rounded once";
  const std::string kernel = "adain+snake (CPU fp32 with sin from " + fusedSinSource() + ", " + bf16 + ")";
  if (!convolutionTilesEnabled()) return kernel + ", whole fp32 convolutions (KOKORO_CONV_TILES=0)";
  return kernel + ", convolutions of stages from " + std::to_string(kTileFromBytes >> 20) + " MiB in time tiles (" +
         std::to_string(kSnakeConvTileSteps) + " / " + std::to_string(kConvTransposeTileSteps) + " steps)";
}

}  // namespace kokoro

TORCH_LIBRARY(kokoro, m) {
  m.def("adain_snake(Tensor x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor");
  m.def("adain_snake_(Tensor(a!) x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor(a!)");
  m.def("adain_snake_conv1d(Tensor x, Tensor gamma, Tensor beta, Tensor alpha, Tensor weight, Tensor? bias, "
        "int padding, int dilation) -> Tensor");
  m.def("adain_snake_conv1d_add_(Tensor(a!) sum, Tensor x, Tensor gamma, Tensor beta, Tensor alpha, Tensor weight, "
        "Tensor? bias, int padding, int dilation) -> Tensor(a!)");
  m.def("conv_transpose1d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int output_padding, "
        "int groups) -> Tensor");
}

TORCH_LIBRARY_IMPL(kokoro, CompositeExplicitAutograd, m) {
  m.impl("adain_snake", kokoro::adainSnake);
  m.impl("adain_snake_", kokoro::adainSnakeInPlace);
  m.impl("adain_snake_conv1d", kokoro::adainSnakeConv);
  m.impl("adain_snake_conv1d_add_", kokoro::adainSnakeConvAdd);
  m.impl("conv_transpose1d", kokoro::tiledConvTranspose);
}
