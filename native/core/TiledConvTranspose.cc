#include "core/TiledConvTranspose.h"

#include <algorithm>

#include <ATen/ATen.h>

#include "core/KokoroOps.h"

namespace kokoro {
namespace {

bool tileable(const at::Tensor& x, const at::Tensor& weight, int64_t stride, int64_t padding, int64_t outputPadding,
              int64_t groups, int64_t tileSteps) {
  if (!convolutionTilesEnabled() || !x.device().is_cpu() || x.dim() != 3 || weight.dim() != 3) return false;
  if (groups != 1 || outputPadding != 0 || stride < 1 || padding < 0 || weight.size(0) != x.size(1)) return false;
  if (weight.size(2) - 2 * padding != stride) return false;
  return tileSteps > 0 && x.size(2) > tileSteps;
}

}  // namespace

at::Tensor convTranspose1d(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                           int64_t stride, int64_t padding, int64_t outputPadding, int64_t groups,
                           int64_t tileSteps) {
  if (!tileable(x, weight, stride, padding, outputPadding, groups, tileSteps)) {
    return at::conv_transpose1d(x, weight, bias, stride, padding, outputPadding, groups);
  }
  const int64_t steps = x.size(2);
  const int64_t halo = (weight.size(2) + stride - 1) / stride;  // input steps an output reaches back and forth
  at::Tensor out = at::empty({x.size(0), weight.size(1), steps * stride}, x.options());
  int64_t done = 0;  // input steps whose outputs are written
  while (done < steps) {
    const int64_t start = std::min(done, steps - tileSteps);  // the last tile overlaps, same width
    const int64_t from = std::max<int64_t>(start - halo, 0);
    const int64_t to = std::min(start + tileSteps + halo, steps);
    const at::Tensor part = at::conv_transpose1d(x.narrow(2, from, to - from), weight, bias, stride, padding, 0, 1);
    const int64_t end = start + tileSteps;
    out.narrow(2, done * stride, (end - done) * stride).copy_(part.narrow(2, (done - from) * stride, (end - done) * stride));
    done = end;
  }
  return out;
}

}  // namespace kokoro
