"""The iSTFTNet decoder: style-conditioned residual stack, harmonic-plus-noise source and the
generator that predicts a magnitude/phase spectrum turned into audio by an inverse STFT."""
import math
from typing import Final, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from .layers import AdaINResBlock1, AdainResBlk1d, Conv1d, ConvTranspose1d, Linear
from .padding import clear_padding, valid_mask

HARMONICS = 9  # fundamental + 8 overtones


def source_noise_shapes(f0_length: int, upsample_scale: int) -> Tuple[List[int], List[int]]:
    """Shapes of the two random draws the harmonic source needs for `f0_length` F0 samples."""
    return [1, 9], [1, f0_length * upsample_scale, 9]


class SourceModule(nn.Module):
    """Harmonic source: sines at F0 and its overtones, with additive noise, merged into one
    excitation signal. Random numbers are inputs: callers draw them (see `draw_source_noise`)
    so that concurrent requests each use their own generator."""

    upsample_scale: Final[int]
    sample_rate: Final[int]
    harmonics: Final[int]
    sine_amp: Final[float]
    noise_std: Final[float]
    voiced_threshold: Final[float]

    def __init__(self, upsample_scale: int):
        super().__init__()
        self.upsample_scale = upsample_scale
        self.sample_rate = 24000
        self.harmonics = HARMONICS
        self.sine_amp = 0.1
        self.noise_std = 0.003
        self.voiced_threshold = 10.0
        self.l_linear = Linear(HARMONICS, 1)

    def forward(self, f0: Tensor, phase_jitter: Tensor, noise: Tensor) -> Tensor:
        """f0: [1, L, 1] at the audio rate; phase_jitter: [1, 9]; noise: [1, L, 9] standard
        normal. Returns [1, L, 1]."""
        harmonics = torch.arange(1, self.harmonics + 1, dtype=f0.dtype, device=f0.device)
        fn = f0 * harmonics.view(1, 1, self.harmonics)
        rad = (fn / self.sample_rate) % 1
        jitter = phase_jitter.clone()
        jitter[:, 0] = 0
        rad[:, 0, :] = rad[:, 0, :] + jitter
        # Integrate phase at the frame rate, then interpolate back: the reference does this to
        # keep float32 phase accumulation accurate over long utterances.
        rad = F.interpolate(rad.transpose(1, 2), scale_factor=1.0 / self.upsample_scale,
                            mode="linear").transpose(1, 2)
        phase = torch.cumsum(rad, dim=1) * 2 * math.pi
        phase = F.interpolate(phase.transpose(1, 2) * self.upsample_scale,
                              scale_factor=float(self.upsample_scale), mode="linear").transpose(1, 2)
        sines = torch.sin(phase) * self.sine_amp
        uv = (f0 > self.voiced_threshold).to(f0.dtype)
        noise_amp = uv * self.noise_std + (1 - uv) * self.sine_amp / 3
        sines = sines * uv + noise_amp * noise
        return torch.tanh(self.l_linear(sines))


class Generator(nn.Module):
    num_kernels: Final[int]
    num_upsamples: Final[int]
    n_fft: Final[int]
    hop: Final[int]
    upsample_scale: Final[int]

    def __init__(self, style_dim: int, resblock_kernel_sizes: List[int], upsample_rates: List[int],
                 upsample_initial_channel: int, resblock_dilation_sizes: List[List[int]],
                 upsample_kernel_sizes: List[int], n_fft: int, hop: int):
        super().__init__()
        self.num_kernels = len(resblock_kernel_sizes)
        self.num_upsamples = len(upsample_rates)
        self.n_fft = n_fft
        self.hop = hop
        self.upsample_scale = math.prod(upsample_rates) * hop
        self.m_source = SourceModule(self.upsample_scale)
        self.register_buffer("window", torch.hann_window(n_fft, periodic=True), persistent=False)
        self.noise_convs = nn.ModuleList()
        self.noise_res = nn.ModuleList()
        self.ups = nn.ModuleList()
        self.resblocks = nn.ModuleList()
        ch = upsample_initial_channel
        for i, (u, k) in enumerate(zip(upsample_rates, upsample_kernel_sizes)):
            ch = upsample_initial_channel // (2 ** (i + 1))
            self.ups.append(ConvTranspose1d(2 * ch, ch, k, u, padding=(k - u) // 2))
            for rk, rd in zip(resblock_kernel_sizes, resblock_dilation_sizes):
                self.resblocks.append(AdaINResBlock1(ch, rk, rd, style_dim))
            if i + 1 < len(upsample_rates):
                stride = math.prod(upsample_rates[i + 1:])
                self.noise_convs.append(Conv1d(n_fft + 2, ch, stride * 2, stride=stride,
                                               padding=(stride + 1) // 2))
                self.noise_res.append(AdaINResBlock1(ch, 7, [1, 3, 5], style_dim))
            else:
                self.noise_convs.append(Conv1d(n_fft + 2, ch, 1))
                self.noise_res.append(AdaINResBlock1(ch, 11, [1, 3, 5], style_dim))
        self.conv_post = Conv1d(ch, n_fft + 2, 7, padding=3)

    def harmonic_spectrum(self, f0_curve: Tensor, phase_jitter: Tensor, noise: Tensor) -> Tensor:
        f0 = F.interpolate(f0_curve[:, None], scale_factor=float(self.upsample_scale),
                           mode="nearest").transpose(1, 2)
        source = self.m_source(f0, phase_jitter, noise).transpose(1, 2).squeeze(1)
        spec = torch.stft(source, self.n_fft, self.hop, self.n_fft, window=self.window,
                          center=True, pad_mode="reflect", return_complex=True)
        return torch.cat([torch.abs(spec), torch.angle(spec)], dim=1)

    def forward(self, x: Tensor, s: Tensor, f0_curve: Tensor, phase_jitter: Tensor,
                noise: Tensor) -> Tensor:
        # The harmonic source and both STFTs run in float32 whatever the weights' precision
        # (in bfloat16 the phase path's rounding is amplified: correlation 0.81).
        har = self.harmonic_spectrum(f0_curve, phase_jitter, noise).to(x.dtype)
        i = 0
        for up, noise_conv, noise_res in zip(self.ups, self.noise_convs, self.noise_res):
            # In place once x is this function's own temporary (not the caller's argument): the
            # same values as out of place, without one more tensor of the stage's size.
            x = F.leaky_relu(x, 0.1) if i == 0 else F.leaky_relu_(x, 0.1)
            x_source = noise_res(noise_conv(har), s)
            x = up(x)
            if i == self.num_upsamples - 1:
                # Reflect-pad one step on the left, written as a copy (reflection_pad1d has
                # no bfloat16 kernel on CPU).
                x = torch.cat([x[:, :, 1:2], x], dim=2)
            x = x + x_source
            xs = x  # replaced by the stage's first block before anything is added to it
            j = 0
            for block in self.resblocks:
                if j // self.num_kernels == i:
                    if j % self.num_kernels == 0:
                        xs = block(x, s)
                    else:
                        xs += block(x, s)
                j += 1
            x = xs.div_(self.num_kernels)
            i += 1
        x = F.leaky_relu(x)
        # The spectrum head runs in float32 too: its phase output goes through sin(), where
        # bfloat16's rounding of large values would be whole radians.
        x = self.conv_post(x.float())
        return self.spectrum_to_audio(x)

    def spectrum_to_audio(self, x: Tensor) -> Tensor:
        bins = self.n_fft // 2 + 1
        spec = torch.exp(x[:, :bins, :])
        phase = torch.sin(x[:, bins:, :])
        audio = torch.istft(spec * torch.exp(phase * 1j), self.n_fft, self.hop, self.n_fft,
                            window=self.window)
        return audio

    # ---- Padded batches (KokoroNet.decode_batch) ----

    def forward_batch(self, x: Tensor, s: Tensor, f0_curve: Tensor, f0_lengths: Tensor,
                      phase_jitter: Tensor, noise: Tensor) -> Tensor:
        """`forward` for a padded batch: x [B, C, W] and f0_curve [B, W] valid up to each
        item's `f0_lengths` [B] (zero padding in x), noise [B, >= W * upsample_scale, 9] each
        item's own draw, zero-padded. Returns audio [B, W * upsample_scale], 0 past each
        item's own samples.

        The harmonic source, its STFT and the inverse STFT run per item on its own length:
        their edges (interpolation clamp, reflect padding, window envelope) sit at the end of
        the item's signal, and they are a small part of the work."""
        own: List[int] = f0_lengths.tolist()
        har = self.harmonic_spectra(f0_curve, own, phase_jitter, noise).to(x.dtype)  # as in forward
        lengths = f0_lengths
        i = 0
        for up, noise_conv, noise_res in zip(self.ups, self.noise_convs, self.noise_res):
            x = F.leaky_relu(x, 0.1)
            x = up(x)
            lengths = lengths * up.stride
            if i == self.num_upsamples - 1:
                x = torch.cat([x[:, :, 1:2], x], dim=2)  # reflect pad, as in forward
                lengths = lengths + 1
            valid = valid_mask(lengths, x.size(2))
            x = x + noise_res(noise_conv(har), s, valid)
            xs = torch.zeros_like(x)
            j = 0
            for block in self.resblocks:
                if j // self.num_kernels == i:
                    if j % self.num_kernels == 0:
                        xs = block(x, s, valid)
                    else:
                        xs += block(x, s, valid)
                j += 1
            x = xs / self.num_kernels
            i += 1
        x = self.conv_post(F.leaky_relu(x).float())  # float32, as in forward
        audio = torch.zeros(x.size(0), f0_curve.size(1) * self.upsample_scale,
                            dtype=x.dtype, device=x.device)
        spectrum_frames: List[int] = lengths.tolist()
        for b, frames in enumerate(spectrum_frames):
            item = self.spectrum_to_audio(x[b:b + 1, :, :frames]).squeeze(0)
            audio[b, :item.size(0)] = item
        return audio

    def harmonic_spectra(self, f0_curve: Tensor, f0_lengths: List[int], phase_jitter: Tensor,
                         noise: Tensor) -> Tensor:
        """harmonic_spectrum of every item on its own length, zero-padded to the batch's."""
        frames = f0_curve.size(1) * self.upsample_scale // self.hop + 1
        spectra: List[Tensor] = []
        for b, length in enumerate(f0_lengths):
            samples = length * self.upsample_scale
            spectrum = self.harmonic_spectrum(f0_curve[b:b + 1, :length], phase_jitter[b:b + 1],
                                              noise[b:b + 1, :samples])
            spectra.append(F.pad(spectrum, [0, frames - spectrum.size(2)]))
        return torch.cat(spectra, dim=0)


class Decoder(nn.Module):
    def __init__(self, dim_in: int, style_dim: int, hidden: int, asr_res_width: int,
                 istftnet: dict):
        super().__init__()
        initial = istftnet["upsample_initial_channel"]
        self.encode = AdainResBlk1d(dim_in + 2, hidden, style_dim)
        concat = hidden + 2 + asr_res_width
        self.decode = nn.ModuleList([
            AdainResBlk1d(concat, hidden, style_dim),
            AdainResBlk1d(concat, hidden, style_dim),
            AdainResBlk1d(concat, hidden, style_dim),
            AdainResBlk1d(concat, initial, style_dim, upsample=True)])
        self.F0_conv = Conv1d(1, 1, 3, stride=2, padding=1)
        self.N_conv = Conv1d(1, 1, 3, stride=2, padding=1)
        self.asr_res = nn.Sequential(Conv1d(dim_in, asr_res_width, 1))
        self.generator = Generator(
            style_dim, istftnet["resblock_kernel_sizes"], istftnet["upsample_rates"], initial,
            istftnet["resblock_dilation_sizes"], istftnet["upsample_kernel_sizes"],
            istftnet["gen_istft_n_fft"], istftnet["gen_istft_hop_size"])

    def forward(self, asr: Tensor, f0_curve: Tensor, n_curve: Tensor, s: Tensor,
                phase_jitter: Tensor, noise: Tensor) -> Tensor:
        # Runs in its weights' dtype (the loader may make them bfloat16), inputs cast here.
        dtype = self.F0_conv.weight.dtype
        asr = asr.to(dtype)
        s = s.to(dtype)
        f0 = self.F0_conv(f0_curve.unsqueeze(1).to(dtype))
        n = self.N_conv(n_curve.unsqueeze(1).to(dtype))
        x = self.encode(torch.cat([asr, f0, n], dim=1), s)
        asr_res = self.asr_res(asr)
        # Every decode block sees the text features again, up to and including the one that
        # upsamples (the last).
        for block in self.decode:
            x = block(torch.cat([x, asr_res, f0, n], dim=1), s)
        return self.generator(x, s, f0_curve, phase_jitter, noise)

    def forward_batch(self, asr: Tensor, f0_curve: Tensor, n_curve: Tensor, s: Tensor,
                      frames: Tensor, phase_jitter: Tensor, noise: Tensor) -> Tensor:
        """`forward` for a padded batch: asr [B, C, W], f0/n curves [B, 2W], each item valid
        up to its own `frames` [B]. Returns audio [B, 2W * upsample_scale]."""
        dtype = self.F0_conv.weight.dtype  # as in forward
        s = s.to(dtype)
        valid = valid_mask(frames, asr.size(2))
        # The caller's padding may hold anything (even NaN): replaced, not multiplied.
        asr = asr.to(dtype).masked_fill(valid == 0, 0.0)
        f0 = clear_padding(self.F0_conv(f0_curve.unsqueeze(1).to(dtype)), valid)
        n = clear_padding(self.N_conv(n_curve.unsqueeze(1).to(dtype)), valid)
        x = self.encode(torch.cat([asr, f0, n], dim=1), s, valid)
        asr_res = clear_padding(self.asr_res(asr), valid)
        for block in self.decode:
            x = block(torch.cat([x, asr_res, f0, n], dim=1), s, valid)
        return self.generator.forward_batch(x, s, f0_curve, 2 * frames, phase_jitter, noise)
