"""Helpers for padded batches (KokoroNet.predict_batch / decode_batch).

A padded batch holds items of different lengths, each left-aligned and followed by padding.
Batch-exactness rests on three rules, applied by the layers' masked paths:
- anything that mixes positions (convolution, instance-norm statistics, attention, the
  backward LSTM direction, the reflect padding of the STFT) sees each item's own positions
  only, with zeros beyond them exactly where batch-1 sees the end of its tensor;
- padding is re-zeroed before every convolution (bias, norm offsets and activations make it
  non-zero), so a convolution's valid outputs read the same zeros batch-1 pads with;
- per-position operations need nothing.
"""
import torch
from torch import Tensor


def valid_mask(lengths: Tensor, width: int) -> Tensor:
    """[B, 1, width] bool, True on each item's own positions (`lengths` [B] int64)."""
    positions = torch.arange(width, device=lengths.device)
    return (positions.unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(1)


def zero_padding(x: Tensor, valid: Tensor) -> Tensor:
    """x [B, C, W] with every position outside `valid` [B, 1, W] set to 0 (also NaN/inf)."""
    return x.masked_fill(valid.logical_not(), 0.0)


def masked_instance_norm(x: Tensor, valid: Tensor, eps: float = 1e-5) -> Tensor:
    """Instance norm of [B, C, W] over each item's valid positions only (biased variance, as
    F.instance_norm); the padding of the result is 0."""
    count = valid.sum(dim=2, keepdim=True).to(x.dtype)
    mean = zero_padding(x, valid).sum(dim=2, keepdim=True) / count
    centered = zero_padding(x - mean, valid)
    var = (centered * centered).sum(dim=2, keepdim=True) / count
    return centered / torch.sqrt(var + eps)


def reversal_index(lengths: Tensor, width: int) -> Tensor:
    """Flat row indices into a [B * width] view that reverse every item within its own length
    and leave its padding in place (the same index undoes it)."""
    batch = lengths.size(0)
    positions = torch.arange(width, device=lengths.device).unsqueeze(0)
    own = lengths.unsqueeze(1)
    source = torch.where(positions < own, own - 1 - positions, positions)
    rows = torch.arange(batch, device=lengths.device).unsqueeze(1) * width
    return (source + rows).reshape(-1)


def alignment_index(durations: Tensor, width: int) -> Tensor:
    """[B, width]: the token each output frame repeats, for per-token `durations` [B, T]
    (0 past each item's tokens). Frames past an item's total point at its last token."""
    ends = durations.cumsum(dim=1)
    frames = torch.arange(width, device=durations.device).unsqueeze(0)
    frames = frames.expand(durations.size(0), width).contiguous()
    index = torch.searchsorted(ends, frames, right=True)
    return index.clamp(max=durations.size(1) - 1)


def expand_by_alignment(x: Tensor, index: Tensor, valid: Tensor) -> Tensor:
    """x [B, C, T] -> [B, C, F]: each token repeated over its frames (`index` from
    alignment_index), zero past each item's frames (`valid` [B, 1, F])."""
    gathered = x.gather(2, index.unsqueeze(1).expand(-1, x.size(1), -1))
    return zero_padding(gathered, valid)
