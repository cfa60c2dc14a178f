#include "core/TiledSnakeConv.h"

#include <algorithm>
#include <vector>

#include <ATen/ATen.h>

#include "core/FusedAdainSnake.h"
#include "core/KokoroOps.h"

namespace kokoro {
namespace {

bool tileable(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& alpha,
              const at::Tensor& weight, int64_t padding, int64_t dilation, int64_t tileSteps) {
  if (!convolutionTilesEnabled() || !adainSnakeFusable(x, gamma, beta, alpha)) return false;
  if (weight.dim() != 3 || weight.size(1) != x.size(1) || weight.scalar_type() != x.scalar_type()) return false;
  if (dilation < 1 || 2 * padding != dilation * (weight.size(2) - 1)) return false;
  // libtorch runs a float convolution with oneDNN only above 20,480 input values (ConvUtils'
  // use_mkldnn), below with im2col + GEMM, whose sums come in another order: a tile must be
  // large enough to run what the whole convolution runs.
  constexpr int64_t kOneDnnMinimumValues = 20480;
  if (tileSteps <= 0 || x.size(0) * x.size(1) * (tileSteps + 2 * padding) <= kOneDnnMinimumValues) return false;
  return x.size(2) > tileSteps;
}

at::Tensor wholeConv(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& alpha,
                     const at::Tensor& weight, const c10::optional<at::Tensor>& bias, int64_t padding,
                     int64_t dilation) {
  at::Tensor snake;
  if (fusedKernelsEnabled() && adainSnakeFusable(x, gamma, beta, alpha)) {
    snake = at::empty_like(x, at::MemoryFormat::Contiguous);
    adainSnakeFused(x, gamma, beta, alpha, snake);
  } else {
    snake = adainSnakeReference(x, gamma, beta, alpha);
  }
  return at::conv1d(snake, weight, bias, 1, padding, dilation);
}

}  // namespace

at::Tensor snakeConv(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& alpha,
                     const at::Tensor& weight, const c10::optional<at::Tensor>& bias, int64_t padding,
                     int64_t dilation, const c10::optional<at::Tensor>& accumulate, int64_t tileSteps) {
  if (!tileable(x, gamma, beta, alpha, weight, padding, dilation, tileSteps)) {
    at::Tensor out = wholeConv(x, gamma, beta, alpha, weight, bias, padding, dilation);
    if (!accumulate) return out;
    at::Tensor sum = *accumulate;
    return sum.add_(out);  // accumulate + out: the same sum as out + accumulate
  }
  const int64_t steps = x.size(2);
  const std::vector<AdainSnakeRow> rows = adainSnakeRows(x, gamma, beta, alpha);
  at::Tensor out = accumulate ? *accumulate : at::empty({x.size(0), weight.size(0), steps}, x.options());
  // A tile's input: its steps and `padding` more on each side, read by the convolution run with
  // its own padding too, of which only the tile's steps are kept.
  at::Tensor window = at::empty({x.size(0), x.size(1), tileSteps + 2 * padding}, x.options());
  int64_t done = 0;  // outputs written so far
  while (done < steps) {
    const int64_t start = std::min(done, steps - tileSteps);  // the last tile overlaps, same width
    const int64_t from = std::max<int64_t>(start - padding, 0);
    const int64_t to = std::min(start + tileSteps + padding, steps);
    const int64_t at = from - (start - padding);
    if (at > 0) window.narrow(2, 0, at).zero_();
    if (at + (to - from) < window.size(2)) window.narrow(2, at + (to - from), window.size(2) - at - (to - from)).zero_();
    adainSnakeApply(x, rows, from, to - from, window, at);
    const at::Tensor tile = at::conv1d(window, weight, bias, 1, padding, dilation)
                                .narrow(2, padding + (done - start), tileSteps - (done - start));
    at::Tensor target = out.narrow(2, done, tile.size(2));
    if (accumulate) {
      target.add_(tile);
    } else {
      target.copy_(tile);
    }
    done += tile.size(2);
  }
  return out;
}

}  // namespace kokoro
