"""The fused operators of the native runtime, as PyTorch references.

The generator's residual blocks call `torch.ops.kokoro.adain_snake` (AdaIN then Snake) and, in
float32, `torch.ops.kokoro.adain_snake_conv1d` (that, then the block's convolution); the
upsampling runs `torch.ops.kokoro.conv_transpose1d`. The
native addon registers that operator with a fused CPU kernel (native/core/KokoroOps.h); here it
is registered with the same schema and the unfused computation, op for op the official one, so
that the eager model, TorchScript export and the Python tests run without the addon and the
exported archive records a call to the operator.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

SCHEMAS = {
    "adain_snake": "adain_snake(Tensor x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor",
    "adain_snake_": "adain_snake_(Tensor(a!) x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor(a!)",
    "adain_snake_conv1d": "adain_snake_conv1d(Tensor x, Tensor gamma, Tensor beta, Tensor alpha, "
                          "Tensor weight, Tensor? bias, int padding, int dilation) -> Tensor",
    "adain_snake_conv1d_add_": "adain_snake_conv1d_add_(Tensor(a!) sum, Tensor x, Tensor gamma, Tensor beta, "
                               "Tensor alpha, Tensor weight, Tensor? bias, int padding, int dilation) -> Tensor(a!)",
    "conv_transpose1d": "conv_transpose1d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, "
                        "int output_padding, int groups) -> Tensor",
}


def snake(x: Tensor, alpha: Tensor) -> Tensor:
    """Snake activation: x + 1/alpha * sin(alpha * x)^2 (alpha [1, C, 1])."""
    return x + (1 / alpha) * (torch.sin(alpha * x) ** 2)


def adain_snake_reference(x: Tensor, gamma: Tensor, beta: Tensor, alpha: Tensor) -> Tensor:
    """(1 + gamma) * instance_norm(x) + beta, then Snake: y + 1/alpha * sin(alpha * y)^2.
    x [B, C, T], gamma/beta [B, C, 1], alpha [1, C, 1]."""
    normed = F.instance_norm(x, None, None, None, None, True, 0.1, 1e-5)
    return snake((1 + gamma) * normed + beta, alpha)


def _adain_snake_in_place(x: Tensor, gamma: Tensor, beta: Tensor, alpha: Tensor) -> Tensor:
    return x.copy_(adain_snake_reference(x, gamma, beta, alpha))


def adain_snake_conv1d_reference(x: Tensor, gamma: Tensor, beta: Tensor, alpha: Tensor, weight: Tensor,
                                 bias: Optional[Tensor], padding: int, dilation: int) -> Tensor:
    """conv1d (stride 1) of adain_snake's result; the addon runs it in time tiles."""
    return F.conv1d(adain_snake_reference(x, gamma, beta, alpha), weight, bias, 1, padding, dilation)


def _adain_snake_conv1d_add(total: Tensor, x: Tensor, gamma: Tensor, beta: Tensor, alpha: Tensor,
                            weight: Tensor, bias: Optional[Tensor], padding: int, dilation: int) -> Tensor:
    return total.add_(adain_snake_conv1d_reference(x, gamma, beta, alpha, weight, bias, padding, dilation))


def conv_transpose1d_reference(x: Tensor, weight: Tensor, bias: Optional[Tensor], stride: int,
                               padding: int, output_padding: int, groups: int) -> Tensor:
    """F.conv_transpose1d; the addon runs it in time tiles."""
    return F.conv_transpose1d(x, weight, bias, stride, padding, output_padding, groups)


def _registered(name: str) -> bool:
    try:
        getattr(torch.ops.kokoro, name)
        return True
    except (AttributeError, RuntimeError):
        return False


if not _registered("adain_snake"):  # once per process, whatever name this module is imported by
    _LIBRARY = torch.library.Library("kokoro", "DEF")
    for _schema in SCHEMAS.values():
        _LIBRARY.define(_schema)
    _LIBRARY.impl("adain_snake", adain_snake_reference, "CompositeExplicitAutograd")
    _LIBRARY.impl("adain_snake_", _adain_snake_in_place, "CompositeExplicitAutograd")
    _LIBRARY.impl("adain_snake_conv1d", adain_snake_conv1d_reference, "CompositeExplicitAutograd")
    _LIBRARY.impl("adain_snake_conv1d_add_", _adain_snake_conv1d_add, "CompositeExplicitAutograd")
    _LIBRARY.impl("conv_transpose1d", conv_transpose1d_reference, "CompositeExplicitAutograd")
