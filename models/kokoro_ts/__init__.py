"""Kokoro v1.0 as scriptable PyTorch, written for TorchScript export.

The module tree mirrors the parameter names of the official checkpoint (after stripping the
`module.` prefix and folding weight norm), so a checkpoint maps onto it name for name. Every
layer reads its widths from its own parameter tensors at run time: an architecture exported
with empty placeholder parameters can be filled by the C++ loader with tensors of any width.
"""
from .model import KokoroNet, StructureConfig
from .checkpoint import load_official_checkpoint, fold_weight_norm

__all__ = ["KokoroNet", "StructureConfig", "load_official_checkpoint", "fold_weight_norm"]
