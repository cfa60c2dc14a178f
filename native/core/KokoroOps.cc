#include "core/KokoroOps.h"

#include <cstdlib>
#include <cstring>

#include <ATen/ATen.h>
#include <torch/library.h>

#include "core/FusedAdainSnake.h"

namespace kokoro {
namespace {

bool useFused(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& alpha) {
  return fusedKernelsEnabled() && adainSnakeFusable(x, gamma, beta, alpha);
}

at::Tensor adainSnake(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                      const at::Tensor& alpha) {
  if (!useFused(x, gamma, beta, alpha)) return adainSnakeReference(x, gamma, beta, alpha);
  at::Tensor out = at::empty_like(x, at::MemoryFormat::Contiguous);
  adainSnakeFused(x, gamma, beta, alpha, out);
  return out;
}

at::Tensor& adainSnakeInPlace(at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                              const at::Tensor& alpha) {
  if (!useFused(x, gamma, beta, alpha)) return x.copy_(adainSnakeReference(x, gamma, beta, alpha));
  adainSnakeFused(x, gamma, beta, alpha, x);
  return x;
}

}  // namespace

bool fusedKernelsEnabled() {
  const char* setting = std::getenv("KOKORO_FUSED");
  return setting == nullptr || std::strcmp(setting, "0") != 0;
}

std::string fusedKernelsDescription() {
  if (!fusedKernelsEnabled()) return "off (KOKORO_FUSED=0)";
  return "adain+snake (CPU fp32/bf16, sin from " + fusedSinSource() + ")";
}

}  // namespace kokoro

TORCH_LIBRARY(kokoro, m) {
  m.def("adain_snake(Tensor x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor");
  m.def("adain_snake_(Tensor(a!) x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor(a!)");
}

TORCH_LIBRARY_IMPL(kokoro, CompositeExplicitAutograd, m) {
  m.impl("adain_snake", kokoro::adainSnake);
  m.impl("adain_snake_", kokoro::adainSnakeInPlace);
}
