"""Text side: the phoneme text encoder and the prosody predictor (durations, F0, energy).

The optional `valid` / `reverse` arguments describe a padded batch (padding.valid_mask and
padding.reversal_index); None means batch 1 without padding."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from .layers import AdainResBlk1d, BiLSTM, ChannelLayerNorm, Conv1d, Embedding, Linear
from .padding import zero_padding


def conv_block(channels: int, kernel: int) -> nn.Sequential:
    """conv -> LayerNorm -> LeakyReLU(0.2), at the reference's Sequential indices."""
    return nn.Sequential(Conv1d(channels, channels, kernel, same_padding=True),
                         ChannelLayerNorm(channels), nn.LeakyReLU(0.2))


class TextEncoder(nn.Module):
    def __init__(self, channels: int, kernel: int, depth: int, n_symbols: int):
        super().__init__()
        self.embedding = Embedding(n_symbols, channels)
        self.cnn = nn.ModuleList([conv_block(channels, kernel) for _ in range(depth)])
        self.lstm = BiLSTM(channels, channels // 2)

    def forward(self, ids: Tensor, valid: Optional[Tensor] = None,
                reverse: Optional[Tensor] = None) -> Tensor:
        x = self.embedding(ids).transpose(1, 2)
        for block in self.cnn:
            if valid is not None:
                x = zero_padding(x, valid)
            x = block(x)
        x = self.lstm(x.transpose(1, 2), reverse)
        return x.transpose(-1, -2)


class AdaLayerNorm(nn.Module):
    """LayerNorm over channels modulated by the style; one step of the duration encoder.

    Takes and returns [B, C, T] so that it shares a signature with DurationLSTM."""

    def __init__(self, style_dim: int, channels: int):
        super().__init__()
        self.fc = Linear(style_dim, 2 * channels)

    def forward(self, x: Tensor, style: Tensor, reverse: Optional[Tensor] = None) -> Tensor:
        # `reverse` only shares DurationLSTM's signature: a per-position norm ignores padding.
        x = x.transpose(1, -1)
        h = self.fc(style)
        h = h.view(h.size(0), h.size(1), 1)
        gamma, beta = torch.chunk(h, chunks=2, dim=1)
        gamma, beta = gamma.transpose(1, -1), beta.transpose(1, -1)
        x = F.layer_norm(x, [x.size(-1)], None, None, 1e-5)
        x = (1 + gamma) * x + beta
        x = x.transpose(1, -1)
        # The style is appended again after every norm.
        s = style.unsqueeze(-1).expand(-1, -1, x.size(-1))
        return torch.cat([x, s], dim=1)


class DurationLSTM(BiLSTM):
    def forward(self, x: Tensor, style: Tensor, reverse: Optional[Tensor] = None) -> Tensor:
        return self.run(x.transpose(-1, -2), reverse).transpose(-1, -2)


class DurationEncoder(nn.Module):
    def __init__(self, style_dim: int, d_model: int, nlayers: int):
        super().__init__()
        blocks = []
        for _ in range(nlayers):
            blocks.append(DurationLSTM(d_model + style_dim, d_model // 2))
            blocks.append(AdaLayerNorm(style_dim, d_model))
        self.lstms = nn.ModuleList(blocks)

    def forward(self, x: Tensor, style: Tensor, reverse: Optional[Tensor] = None) -> Tensor:
        """x: [B, C, T] -> [B, T, C + style]."""
        s = style.unsqueeze(-1).expand(-1, -1, x.size(-1))
        x = torch.cat([x, s], dim=1)
        for block in self.lstms:
            x = block(x, style, reverse)
        return x.transpose(-1, -2)


class LinearNorm(nn.Module):
    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        self.linear_layer = Linear(n_in, n_out)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear_layer(x)


class ProsodyPredictor(nn.Module):
    def __init__(self, style_dim: int, d_hid: int, nlayers: int, max_dur: int):
        super().__init__()
        self.text_encoder = DurationEncoder(style_dim, d_hid, nlayers)
        self.lstm = BiLSTM(d_hid + style_dim, d_hid // 2)
        self.duration_proj = LinearNorm(d_hid, max_dur)
        self.shared = BiLSTM(d_hid + style_dim, d_hid // 2)
        self.F0 = nn.ModuleList([
            AdainResBlk1d(d_hid, d_hid, style_dim),
            AdainResBlk1d(d_hid, d_hid // 2, style_dim, upsample=True),
            AdainResBlk1d(d_hid // 2, d_hid // 2, style_dim)])
        self.N = nn.ModuleList([
            AdainResBlk1d(d_hid, d_hid, style_dim),
            AdainResBlk1d(d_hid, d_hid // 2, style_dim, upsample=True),
            AdainResBlk1d(d_hid // 2, d_hid // 2, style_dim)])
        self.F0_proj = Conv1d(d_hid // 2, 1, 1)
        self.N_proj = Conv1d(d_hid // 2, 1, 1)

    def durations(self, d: Tensor, speed: float) -> Tensor:
        """Frames per token before rounding, [B, T]."""
        return self.frames_at_unit_speed(d) / speed

    def frames_at_unit_speed(self, d: Tensor, reverse: Optional[Tensor] = None) -> Tensor:
        x = self.lstm(d, reverse)
        logits = self.duration_proj(x)
        return torch.sigmoid(logits).sum(dim=-1)

    def f0_n(self, en: Tensor, style: Tensor, valid: Optional[Tensor] = None,
             reverse: Optional[Tensor] = None):
        """en [B, C, F] -> F0, N [B, 2F]; in a padded batch both are 0 past 2 * frames."""
        x = self.shared(en.transpose(-1, -2), reverse).transpose(-1, -2)
        f0 = x
        f0_valid = valid
        for block in self.F0:
            f0 = block(f0, style, f0_valid)
            if f0_valid is not None and block.upsample:
                f0_valid = f0_valid.repeat_interleave(2, dim=2)
        f0 = self.F0_proj(f0)
        n = x
        for block in self.N:
            n = block(n, style, valid)
            if valid is not None and block.upsample:
                valid = valid.repeat_interleave(2, dim=2)
        n = self.N_proj(n)
        if valid is not None:
            f0 = zero_padding(f0, valid)
            n = zero_padding(n, valid)
        return f0.squeeze(1), n.squeeze(1)
