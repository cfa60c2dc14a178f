"""Building blocks shared by the text side and the decoder.

Each layer keeps plain parameters (weight norm is folded at load time) and calls the functional
ops, so that replacing a parameter by a tensor of another width needs no other change.
"""
from typing import Final, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from .fused import snake  # also registers torch.ops.kokoro.* for eager runs and export
from .padding import clear_padding, masked_adaptive_instance_norm

# The largest convolution padding oneDNN 2.6's direct bfloat16 kernel (jit_bf16:avx512_core_bf16)
# accepts, found with ONEDNN_VERBOSE: padding 16 or more runs x64:gemm:jit (BENCHMARKS.md).
ONEDNN_DIRECT_MAX_PADDING = 15


def _param(*shape: int) -> nn.Parameter:
    return nn.Parameter(torch.zeros(*shape), requires_grad=False)


class Linear(nn.Module):
    def __init__(self, n_in: int, n_out: int, bias: bool = True):
        super().__init__()
        self.weight = _param(n_out, n_in)
        if bias:
            self.bias = _param(n_out)
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)


class Conv1d(nn.Module):
    """Conv1d whose padding may follow the kernel width ("same" padding), so the kernel size can
    come from the checkpoint rather than from the exported code."""

    stride: Final[int]
    padding: Final[int]
    dilation: Final[int]
    groups: Final[int]
    same_padding: Final[bool]
    direct_max_padding: Final[int]
    packed_weight: Optional[Tensor]

    def __init__(self, n_in: int, n_out: int, kernel: int, stride: int = 1, padding: int = 0,
                 dilation: int = 1, groups: int = 1, bias: bool = True, same_padding: bool = False):
        super().__init__()
        self.weight = _param(n_out, n_in // groups, kernel)
        if bias:
            self.bias = _param(n_out)
        else:
            self.register_parameter("bias", None)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.same_padding = same_padding
        self.direct_max_padding = ONEDNN_DIRECT_MAX_PADDING
        self.packed_weight = None

    def forward(self, x: Tensor) -> Tensor:
        padding = self._padding()
        if padding > self.direct_max_padding and x.dtype == torch.bfloat16 and not x.is_cuda:
            # oneDNN's direct bfloat16 kernel takes at most that much padding; beyond it the
            # convolution falls back to im2col + GEMM (the generator's kernel-11, dilation-5
            # convolutions: 1.5x slower). The same zeros written into a copy of the input
            # instead keep the direct kernel. bfloat16 only: float32 stays the official op's.
            x = F.pad(x, [padding, padding])
            padding = 0
        packed = self.packed_weight
        if packed is not None:
            # The same oneDNN convolution as F.conv1d's, minus its reorder of the weight.
            return torch.mkldnn_convolution(x.unsqueeze(2), packed, self.bias, [0, padding], [1, self.stride],
                                            [1, self.dilation], self.groups).squeeze(2)
        return F.conv1d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)

    def _kernel_size(self) -> int:
        packed = self.packed_weight
        return packed.size(3) if packed is not None else self.weight.size(2)

    def _padding(self) -> int:
        if self.same_padding:
            return (self._kernel_size() - 1) // 2 * self.dilation
        return self.padding

    @torch.jit.export
    def pack_weight(self) -> bool:
        """Keeps a bfloat16 CPU weight in oneDNN's blocked layout, so that a convolution no
        longer reorders it on every call (a fixed cost per pass: the decoder's 1024-channel
        weights are 6.7 MB each). The loader calls this once and then drops `weight` (the packed
        copy replaces it; `unpacked_weight` gives it back). Same kernel, same results. Returns
        whether it packed: only bfloat16 weights on the CPU in ungrouped convolutions are."""
        w = self.weight
        if w.dtype != torch.bfloat16 or w.is_cuda or self.groups != 1 or self.packed_weight is not None:
            return False
        # oneDNN picks the layout for a convolution of its own default input width: with the
        # padding 0 of a pre-padded input (see forward) that width is shorter than a dilated
        # kernel and the query fails, and with the large padding itself it picks the GEMM
        # kernel's plain layout. The direct kernel's layout does not depend on the padding.
        padding = min(self._padding(), self.direct_max_padding)
        self.packed_weight = torch._C._nn.mkldnn_reorder_conv2d_weight(
            w.unsqueeze(2).to_mkldnn(), [0, padding], [1, self.stride], [1, self.dilation], self.groups)
        return True

    @torch.jit.export
    def unpacked_weight(self) -> Tensor:
        """The weight in its plain [out, in, kernel] layout, packed or not."""
        packed = self.packed_weight
        if packed is not None:
            return packed.to_dense().squeeze(2)
        return self.weight


class ConvTranspose1d(nn.Module):
    stride: Final[int]
    padding: Final[int]
    output_padding: Final[int]
    groups: Final[int]
    packed_weight: Optional[Tensor]

    def __init__(self, n_in: int, n_out: int, kernel: int, stride: int, padding: int,
                 output_padding: int = 0, groups: int = 1):
        super().__init__()
        self.weight = _param(n_in, n_out // groups, kernel)
        self.bias = _param(n_out)
        self.stride = stride
        self.padding = padding
        self.output_padding = output_padding
        self.groups = groups
        self.packed_weight = None

    def forward(self, x: Tensor) -> Tensor:
        # Runs in its weights' dtype. libtorch 1.13's CPU conv_transpose rejects bfloat16, so
        # bfloat16 weights take the polyphase form (a plain convolution, which oneDNN runs in
        # bfloat16); float32 and float16 weights run the official op.
        if self.weight.dtype == torch.bfloat16 and self.polyphase_applies():
            return self.polyphase(x.to(self.weight.dtype))
        # The official op; the native runtime runs it in time tiles (fused.py: no whole-length
        # column buffer, the fp32 peak memory).
        y = torch.ops.kokoro.conv_transpose1d(x.to(self.weight.dtype), self.weight, self.bias, self.stride,
                                              self.padding, self.output_padding, self.groups)
        return y.to(x.dtype)

    def polyphase_applies(self) -> bool:
        """The upsampling shape of the generator: kernel 2 * stride, padding stride / 2."""
        if self.packed_weight is not None:
            return True  # packed only where it applies
        s = self.stride
        return (self.weight.size(2) == 2 * s and 2 * self.padding == s and
                self.output_padding == 0 and self.groups == 1)

    def polyphase(self, x: Tensor) -> Tensor:
        """The same transposed convolution as s interleaved 2-tap convolutions: with kernel 2s,
        output n reads input q = (n + p) // s with tap r = (n + p) % s and input q - 1 with tap
        r + s. One conv1d computes every phase r as its own block of output channels over the
        input padded by one step each side; the phases are then interleaved and cropped by p.
        The sums run in another order than the op's: used for bfloat16 only."""
        s = self.stride
        n_out = self.bias.size(0)
        packed = self.packed_weight
        if packed is not None:
            phases = torch.mkldnn_convolution(x.unsqueeze(2), packed, self.bias.repeat(s), [0, 1], [1, 1],
                                              [1, 1], 1).squeeze(2)
        else:
            phases = F.conv1d(x, self.polyphase_weight(), self.bias.repeat(s), 1, 1)
        batch, steps = x.size(0), phases.size(2)
        y = phases.view(batch, s, n_out, steps).permute(0, 2, 3, 1).reshape(batch, n_out, steps * s)
        return y[:, :, self.padding:self.padding + (steps - 1) * s]

    def polyphase_weight(self) -> Tensor:
        """[s * n_out, n_in, 2]: phase r's taps r + s and r for every output channel."""
        s = self.stride
        n_in, n_out = self.weight.size(0), self.weight.size(1)
        taps = torch.stack([self.weight[:, :, s:], self.weight[:, :, :s]], dim=3)
        return taps.permute(2, 1, 0, 3).reshape(s * n_out, n_in, 2)

    @torch.jit.export
    def pack_weight(self) -> bool:
        """The polyphase weight built once and packed as Conv1d.pack_weight does (bfloat16 on
        the CPU, where the polyphase form runs); the loader then drops `weight`."""
        w = self.weight
        if w.dtype != torch.bfloat16 or w.is_cuda or not self.polyphase_applies():
            return False
        self.packed_weight = torch._C._nn.mkldnn_reorder_conv2d_weight(
            self.polyphase_weight().unsqueeze(2).to_mkldnn(), [0, 1], [1, 1], [1, 1], 1)
        return True

    @torch.jit.export
    def unpacked_weight(self) -> Tensor:
        """The weight in its plain [in, out, kernel] layout, packed or not."""
        packed = self.packed_weight
        if packed is None:
            return self.weight
        s = self.stride
        n_out = self.bias.size(0)
        taps = packed.to_dense().squeeze(2)  # [s * n_out, n_in, 2]
        taps = taps.reshape(s, n_out, taps.size(1), 2).permute(2, 1, 0, 3)  # [n_in, n_out, s, 2]
        return torch.cat([taps[:, :, :, 1], taps[:, :, :, 0]], dim=2)


class BiLSTM(nn.Module):
    """One bidirectional LSTM layer, batch first, with PyTorch's parameter names.

    nn.LSTM caches a flat list of its weights when built; replacing a parameter afterwards (as
    the C++ loader does) would leave that cache stale, so this calls the LSTM op directly.
    """

    def __init__(self, n_in: int, n_hidden: int):
        super().__init__()
        self.weight_ih_l0 = _param(4 * n_hidden, n_in)
        self.weight_hh_l0 = _param(4 * n_hidden, n_hidden)
        self.bias_ih_l0 = _param(4 * n_hidden)
        self.bias_hh_l0 = _param(4 * n_hidden)
        self.weight_ih_l0_reverse = _param(4 * n_hidden, n_in)
        self.weight_hh_l0_reverse = _param(4 * n_hidden, n_hidden)
        self.bias_ih_l0_reverse = _param(4 * n_hidden)
        self.bias_hh_l0_reverse = _param(4 * n_hidden)

    def forward(self, x: Tensor, reverse: Optional[Tensor] = None) -> Tensor:
        return self.run(x, reverse)

    def run(self, x: Tensor, reverse: Optional[Tensor] = None) -> Tensor:
        """x [B, T, C]. For a padded batch, `reverse` from padding.reversal_index."""
        if reverse is not None:
            return self.run_padded(x, reverse)
        hidden = self.weight_hh_l0.size(1)
        h0 = torch.zeros(2, x.size(0), hidden, dtype=x.dtype, device=x.device)
        weights = [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0,
                   self.weight_ih_l0_reverse, self.weight_hh_l0_reverse,
                   self.bias_ih_l0_reverse, self.bias_hh_l0_reverse]
        out, _, _ = torch.lstm(x, [h0, h0], weights, True, 1, 0.0, False, True, True)
        return out

    def run_padded(self, x: Tensor, reverse: Tensor) -> Tensor:
        """The forward direction runs on the batch as it is: padding follows each item, so no
        valid output sees it. The backward direction runs on each item reversed within its own
        length, which is what batch 1 computes (it flips the whole sequence). Two plain calls
        keep the CPU kernel's precomputed input projection, which packed sequences lose."""
        batch, width = x.size(0), x.size(1)
        hidden = self.weight_hh_l0.size(1)
        h0 = torch.zeros(1, batch, hidden, dtype=x.dtype, device=x.device)
        forward_weights = [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0]
        backward_weights = [self.weight_ih_l0_reverse, self.weight_hh_l0_reverse,
                            self.bias_ih_l0_reverse, self.bias_hh_l0_reverse]
        ahead, _, _ = torch.lstm(x, [h0, h0], forward_weights, True, 1, 0.0, False, False, True)
        flipped = x.reshape(batch * width, -1).index_select(0, reverse).view(batch, width, -1)
        back, _, _ = torch.lstm(flipped, [h0, h0], backward_weights, True, 1, 0.0, False, False, True)
        back = back.reshape(batch * width, hidden).index_select(0, reverse).view(batch, width, hidden)
        return torch.cat([ahead, back], dim=2)


class Embedding(nn.Module):
    def __init__(self, count: int, width: int):
        super().__init__()
        self.weight = _param(count, width)

    def forward(self, ids: Tensor) -> Tensor:
        return F.embedding(ids, self.weight)


class ChannelLayerNorm(nn.Module):
    """LayerNorm over the channel axis of [B, C, T], stored as gamma/beta like the reference."""

    def __init__(self, channels: int):
        super().__init__()
        self.gamma = _param(channels)
        self.beta = _param(channels)

    def forward(self, x: Tensor) -> Tensor:
        x = x.transpose(1, -1)
        x = F.layer_norm(x, [self.gamma.size(0)], self.gamma, self.beta, 1e-5)
        return x.transpose(1, -1)


class AdaIN1d(nn.Module):
    """Instance norm modulated by the style vector. The checkpoint has no affine weights for the
    norm (it predates them), so the norm is plain."""

    def __init__(self, style_dim: int, channels: int):
        super().__init__()
        self.fc = Linear(style_dim, 2 * channels)

    def forward(self, x: Tensor, s: Tensor, valid: Optional[Tensor] = None) -> Tensor:
        """`valid` [B, 1, W] marks each item's positions in a padded batch (None: no padding);
        the statistics then cover those only, and the result's padding is 0."""
        gamma, beta = self.affine_terms(s)
        if valid is not None:
            return masked_adaptive_instance_norm(x, valid, gamma, beta)
        normed = F.instance_norm(x, None, None, None, None, True, 0.1, 1e-5)
        return (1 + gamma) * normed + beta

    def affine_terms(self, s: Tensor) -> Tuple[Tensor, Tensor]:
        """gamma, beta [B, C, 1] for the style s [B, style_dim]."""
        h = self.fc(s)
        h = h.view(h.size(0), h.size(1), 1)
        gamma, beta = torch.chunk(h, chunks=2, dim=1)
        return gamma, beta

    def with_snake(self, x: Tensor, s: Tensor, alpha: Tensor, in_place: bool) -> Tensor:
        """snake(forward(x, s), alpha) as one operator, which the native runtime fuses (see
        fused.py); `in_place` writes the result into x, for a temporary nothing else holds."""
        gamma, beta = self.affine_terms(s)
        if in_place:
            return torch.ops.kokoro.adain_snake_(x, gamma, beta, alpha)
        return torch.ops.kokoro.adain_snake(x, gamma, beta, alpha)

    def with_snake_conv(self, x: Tensor, s: Tensor, alpha: Tensor, weight: Tensor, bias: Optional[Tensor],
                        padding: int, dilation: int, total: Optional[Tensor]) -> Tensor:
        """conv1d(with_snake(x, s, alpha)) as one operator, which the native runtime runs in time
        tiles (fused.py); with `total`, the result is added into it (a temporary of ours)."""
        gamma, beta = self.affine_terms(s)
        if total is not None:
            return torch.ops.kokoro.adain_snake_conv1d_add_(total, x, gamma, beta, alpha, weight, bias,
                                                            padding, dilation)
        return torch.ops.kokoro.adain_snake_conv1d(x, gamma, beta, alpha, weight, bias, padding, dilation)


class AdainResBlk1d(nn.Module):
    """Residual block of the prosody predictor and decoder (LeakyReLU 0.2, optional 2x upsample)."""

    upsample: Final[bool]
    learned_shortcut: Final[bool]

    def __init__(self, dim_in: int, dim_out: int, style_dim: int, upsample: bool = False):
        super().__init__()
        self.upsample = upsample
        self.learned_shortcut = dim_in != dim_out
        self.conv1 = Conv1d(dim_in, dim_out, 3, padding=1)
        self.conv2 = Conv1d(dim_out, dim_out, 3, padding=1)
        self.norm1 = AdaIN1d(style_dim, dim_in)
        self.norm2 = AdaIN1d(style_dim, dim_out)
        if self.learned_shortcut:
            self.conv1x1 = Conv1d(dim_in, dim_out, 1, bias=False)
        else:
            self.conv1x1 = nn.Identity()
        if upsample:
            self.pool = ConvTranspose1d(dim_in, dim_in, 3, stride=2, padding=1, output_padding=1,
                                        groups=dim_in)
        else:
            self.pool = nn.Identity()

    def _pool(self, x: Tensor) -> Tensor:
        if self.upsample:
            # The depthwise transposed conv (kernel 3, stride 2, padding 1, output padding 1),
            # written out: libtorch runs the grouped op as a slow per-channel loop. Output 2m is
            # x[m]*w1 + b, output 2m+1 is (x[m]*w2 + x[m+1]*w0) + b: the same products and sums
            # in the same order as the op, so the result is bit for bit the op's.
            w = self.pool.weight.view(1, x.size(1), 3)
            b = self.pool.bias.view(1, -1, 1)
            following = F.pad(x[:, :, 1:], [0, 1])
            even = x * w[:, :, 1:2] + b
            odd = (x * w[:, :, 2:3] + following * w[:, :, 0:1]) + b
            return torch.stack([even, odd], dim=3).view(x.size(0), x.size(1), 2 * x.size(2))
        return x

    def forward(self, x: Tensor, s: Tensor, valid: Optional[Tensor] = None) -> Tensor:
        """`valid` [B, 1, W]: each item's positions in a padded batch (None: no padding). The
        result's padding is then 0; an upsampling block upsamples the mask alongside."""
        residual = self.norm1(x, s, valid)
        residual = F.leaky_relu(residual, 0.2)
        residual = self._pool(residual)
        if valid is not None and self.upsample:
            valid = valid.repeat_interleave(2, dim=2)
            residual = clear_padding(residual, valid)  # the transposed conv's bias
        residual = self.conv1(residual)
        residual = self.norm2(residual, s, valid)
        residual = F.leaky_relu(residual, 0.2)
        residual = self.conv2(residual)
        shortcut = x
        if self.upsample:
            shortcut = F.interpolate(shortcut, scale_factor=2.0, mode="nearest")
        shortcut = self.conv1x1(shortcut)
        # 1/sqrt(2): the float32 value of the reference's torch.rsqrt(torch.tensor(2)).
        out = (residual + shortcut) * 0.7071067811865476
        if valid is not None:
            out = clear_padding(out, valid)
        return out


class AdaINResBlock1(nn.Module):
    """HiFi-GAN style residual block with Snake activations, used by the iSTFTNet generator."""

    def __init__(self, channels: int, kernel: int, dilations: list, style_dim: int):
        super().__init__()
        self.convs1 = nn.ModuleList([
            Conv1d(channels, channels, kernel, dilation=d, padding=(kernel * d - d) // 2)
            for d in dilations])
        self.convs2 = nn.ModuleList([
            Conv1d(channels, channels, kernel, padding=(kernel - 1) // 2) for _ in dilations])
        self.adain1 = nn.ModuleList([AdaIN1d(style_dim, channels) for _ in dilations])
        self.adain2 = nn.ModuleList([AdaIN1d(style_dim, channels) for _ in dilations])
        self.alpha1 = nn.ParameterList([_param(1, channels, 1) for _ in dilations])
        self.alpha2 = nn.ParameterList([_param(1, channels, 1) for _ in dilations])

    def forward(self, x: Tensor, s: Tensor, valid: Optional[Tensor] = None) -> Tensor:
        """`valid` [B, 1, W]: each item's positions in a padded batch (None: no padding). The
        masked norms return zero padding, which Snake keeps at 0: every conv reads zeros there."""
        first = True
        for c1, c2, n1, n2, a1, a2 in zip(self.convs1, self.convs2, self.adain1, self.adain2,
                                          self.alpha1, self.alpha2):
            if valid is None and x.dtype == torch.float32:
                # The same values, each convolution fused with the norm before it: the native
                # runtime then holds no whole Snake output nor oneDNN's whole-tensor copies of the
                # convolution's input and output (the fp32 peak memory). bfloat16 keeps Conv1d
                # (its padded-input rule).
                xt = n1.with_snake_conv(x, s, a1, c1.weight, c1.bias, c1.padding, c1.dilation, None)
                if first:  # x is the caller's: the sum goes into a new tensor
                    x = n2.with_snake_conv(xt, s, a2, c2.weight, c2.bias, c2.padding, c2.dilation,
                                           None).add_(x)
                else:  # x is ours: the convolution is added into it
                    x = n2.with_snake_conv(xt, s, a2, c2.weight, c2.bias, c2.padding, c2.dilation, x)
            elif valid is None:
                xt = n1.with_snake(x, s, a1, False)
                xt = n2.with_snake(c1(xt), s, a2, True)  # the conv's output is ours to overwrite
                x = c2(xt).add_(x)  # the conv's output is ours: xt + x, without another tensor
            else:
                xt = snake(n1(x, s, valid), a1)
                xt = snake(n2(c1(xt), s, valid), a2)
                x = c2(xt).add_(x)
            first = False
        if valid is not None:
            x = clear_padding(x, valid)
        return x
