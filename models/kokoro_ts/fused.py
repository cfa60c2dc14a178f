"""The fused operators of the native runtime, as PyTorch references.

The generator's residual blocks call `torch.ops.kokoro.adain_snake` (AdaIN then Snake). The
native addon registers that operator with a fused CPU kernel (native/core/KokoroOps.h); here it
is registered with the same schema and the unfused computation, op for op the official one, so
that the eager model, TorchScript export and the Python tests run without the addon and the
exported archive records a call to the operator.
"""
import torch
import torch.nn.functional as F
from torch import Tensor

SCHEMAS = {
    "adain_snake": "adain_snake(Tensor x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor",
    "adain_snake_": "adain_snake_(Tensor(a!) x, Tensor gamma, Tensor beta, Tensor alpha) -> Tensor(a!)",
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
