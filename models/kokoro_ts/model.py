"""The whole Kokoro model, split into the two stages the native runtime calls separately:
`predict` (text -> durations, F0, energy, aligned text features) and `decode` (-> audio).
The split lets the caller draw the decoder's random numbers from its own generator once the
audio length is known."""
import json
from dataclasses import dataclass
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
from torch import Tensor

from .albert import Albert
from .decoder import Decoder, source_noise_shapes
from .layers import Linear
from .padding import alignment_index, expand_by_alignment, reversal_index, valid_mask
from .text import ProsodyPredictor, TextEncoder

# Widths the official decoder writes as constants rather than reading from config.json.
OFFICIAL_DECODER_WIDTHS = {"hidden": 1024, "asr_res": 64}
# ALBERT's embedding width is not in config.json either; this is the transformers default.
ALBERT_EMBEDDING_SIZE = 128


@dataclass
class StructureConfig:
    """Everything of config.json that shapes the module tree (as opposed to tensor widths).

    Two configs with the same structure share one exported architecture file."""
    n_layer: int
    istftnet: Dict

    STRUCTURE_KEYS = ("resblock_kernel_sizes", "resblock_dilation_sizes", "upsample_rates",
                      "upsample_kernel_sizes", "gen_istft_n_fft", "gen_istft_hop_size")

    @staticmethod
    def from_config(config: Dict) -> "StructureConfig":
        ist = config["istftnet"]
        return StructureConfig(int(config["n_layer"]), {k: ist[k] for k in StructureConfig.STRUCTURE_KEYS})

    def key(self) -> str:
        """Canonical text of the structure; the native loader computes the same string."""
        ist = self.istftnet
        parts = [f"n_layer={self.n_layer}"]
        for k in StructureConfig.STRUCTURE_KEYS:
            parts.append(f"{k}={json.dumps(ist[k], separators=(',', ':'))}")
        return ";".join(parts)


class KokoroNet(nn.Module):
    # Read by the native loader: which config structure this module was built for, and the
    # expected shape of every parameter as a function of config values (see export.py).
    format_version: int
    structure_key: str
    shape_symbols: List[str]
    shape_spec: Dict[str, List[int]]

    def __init__(self, config: Dict, decoder_widths: Dict = None):
        super().__init__()
        self.format_version = 1
        self.shape_symbols = []
        self.shape_spec = {}
        widths = dict(OFFICIAL_DECODER_WIDTHS)
        widths.update(decoder_widths or config.get("x_decoder_widths", {}) or {})
        plbert = config["plbert"]
        hidden_dim = config["hidden_dim"]
        style_dim = config["style_dim"]
        self.structure_key = StructureConfig.from_config(config).key()
        self.bert = Albert(config["n_token"], plbert.get("embedding_size", ALBERT_EMBEDDING_SIZE),
                           plbert["hidden_size"], plbert["intermediate_size"],
                           plbert["num_attention_heads"], plbert["num_hidden_layers"],
                           plbert["max_position_embeddings"])
        self.bert_encoder = Linear(plbert["hidden_size"], hidden_dim)
        self.predictor = ProsodyPredictor(style_dim, hidden_dim, config["n_layer"], config["max_dur"])
        self.text_encoder = TextEncoder(hidden_dim, config["text_encoder_kernel_size"],
                                        config["n_layer"], config["n_token"])
        self.decoder = Decoder(hidden_dim, style_dim, widths["hidden"], widths["asr_res"],
                               config["istftnet"])

    @torch.jit.export
    def set_albert_shape(self, num_heads: int, num_hidden_layers: int) -> None:
        """ALBERT's head and pass counts are plain numbers, set from config.json at load."""
        self.bert.encoder.num_hidden_layers = num_hidden_layers
        for group in self.bert.encoder.albert_layer_groups:
            for layer in group.albert_layers:
                layer.attention.num_heads = num_heads

    @torch.jit.export
    def predict(self, input_ids: Tensor, ref_s: Tensor, speed: float
                ) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        """input_ids [1, T] int64 (with the 0 pads), ref_s [1, 256].

        Returns (pred_dur [T] int64, duration_float [T], F0 [1, 2F], N [1, 2F],
        asr [1, hidden_dim, F]) where F = sum(pred_dur)."""
        style_dim = ref_s.size(1) // 2
        s = ref_s[:, style_dim:]
        bert_out = self.bert(input_ids)
        d_en = self.bert_encoder(bert_out).transpose(-1, -2)
        d = self.predictor.text_encoder(d_en, s)
        duration = self.predictor.durations(d, speed)
        pred_dur = torch.round(duration).clamp(min=1).long().squeeze(0)
        # Expanding by repetition equals the reference's one-hot alignment matmul exactly.
        en = d.transpose(-1, -2).repeat_interleave(pred_dur, dim=-1)
        f0, n = self.predictor.f0_n(en, s)
        t_en = self.text_encoder(input_ids)
        asr = t_en.repeat_interleave(pred_dur, dim=-1)
        return pred_dur, duration.squeeze(0), f0, n, asr

    @torch.jit.export
    def predict_batch(self, input_ids: Tensor, lengths: Tensor, ref_s: Tensor, speed: Tensor
                      ) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        """`predict` for a padded batch; each item's result equals it run alone.

        input_ids [B, T] int64 (each row 0, tokens, 0, then any padding), lengths [B] int64
        (each row's length including its two 0s), ref_s [B, 256], speed [B] float32.
        Returns (pred_dur [B, T] int64, duration_float [B, T], F0 [B, 2Fmax], N [B, 2Fmax],
        asr [B, hidden_dim, Fmax], frames [B] int64), all 0 past each item's own length, where
        frames = pred_dur.sum(1) and Fmax = max(frames)."""
        lengths = lengths.to(input_ids.device)
        width = input_ids.size(1)
        style_dim = ref_s.size(1) // 2
        s = ref_s[:, style_dim:]
        tokens = valid_mask(lengths, width)
        token_reverse = reversal_index(lengths, width)
        bert_out = self.bert(input_ids, tokens.squeeze(1))
        d_en = self.bert_encoder(bert_out).transpose(-1, -2)
        d = self.predictor.text_encoder(d_en, s, token_reverse)
        duration = self.predictor.frames_at_unit_speed(d, token_reverse) / speed.unsqueeze(1)
        duration = duration.masked_fill(tokens.squeeze(1).logical_not(), 0.0)
        pred_dur = torch.round(duration).clamp(min=1).long()
        pred_dur = pred_dur.masked_fill(tokens.squeeze(1).logical_not(), 0)
        frames = pred_dur.sum(dim=1)
        max_frames = int(frames.max())
        alignment = alignment_index(pred_dur, max_frames)
        frame_valid = valid_mask(frames, max_frames)
        en = expand_by_alignment(d.transpose(-1, -2), alignment, frame_valid)
        f0, n = self.predictor.f0_n(en, s, frame_valid, reversal_index(frames, max_frames))
        t_en = self.text_encoder(input_ids, tokens, token_reverse)
        asr = expand_by_alignment(t_en, alignment, frame_valid)
        return pred_dur, duration, f0, n, asr, frames

    @torch.jit.export
    def noise_shapes(self, f0_length: int) -> Tuple[List[int], List[int]]:
        """Shapes of the decoder's two random inputs for an F0 curve of `f0_length` samples."""
        return source_noise_shapes(f0_length, self.decoder.generator.upsample_scale)

    @torch.jit.export
    def decode(self, asr: Tensor, f0: Tensor, n: Tensor, ref_s: Tensor, phase_jitter: Tensor,
               noise: Tensor) -> Tensor:
        """Audio [samples] at 24 kHz. `phase_jitter` [1, 9] uniform, `noise` [1, L, 9] standard
        normal (see `draw_source_noise` for how to draw them like the reference)."""
        style_dim = ref_s.size(1) // 2
        audio = self.decoder(asr, f0, n, ref_s[:, :style_dim], phase_jitter, noise)
        return audio.squeeze(0)

    @torch.jit.export
    def decode_batch(self, asr: Tensor, f0: Tensor, n: Tensor, ref_s: Tensor, frames: Tensor,
                     phase_jitter: Tensor, noise: Tensor) -> Tensor:
        """`decode` for a padded batch; each item's audio equals it decoded alone.

        asr [B, hidden_dim, Fmax], f0/n [B, 2Fmax] as predict_batch returns them, ref_s
        [B, 256], frames [B] int64, phase_jitter [B, 9], noise [B, Lmax, 9]: item b's own
        draw for 2 * frames[b] F0 samples (`noise_shapes`), zero-padded. Returns audio
        [B, 600 * Fmax]; item b's is its first 600 * frames[b] samples (0 after)."""
        style_dim = ref_s.size(1) // 2
        return self.decoder.forward_batch(asr, f0, n, ref_s[:, :style_dim],
                                          frames.to(asr.device), phase_jitter, noise)

    def forward(self, input_ids: Tensor, ref_s: Tensor, speed: float, phase_jitter: Tensor,
                noise: Tensor) -> Tuple[Tensor, Tensor]:
        pred_dur, _, f0, n, asr = self.predict(input_ids, ref_s, speed)
        return self.decode(asr, f0, n, ref_s, phase_jitter, noise), pred_dur


def draw_source_noise(f0_length: int, upsample_scale: int, generator: torch.Generator
                      ) -> Tuple[Tensor, Tensor]:
    """Draw the decoder's random inputs exactly as the official code draws them from the global
    generator: `rand [1, 9]`, then `randn_like` of a [1, L, 9] tensor laid out as the
    transpose of a contiguous [1, 9, L] one (PyTorch's serial sampler follows memory order, so
    layout changes the values). The reference's third draw only advances the generator and is
    not needed."""
    jitter_shape, noise_shape = source_noise_shapes(f0_length, upsample_scale)
    jitter = torch.rand(jitter_shape, generator=generator)
    noise = torch.empty(noise_shape[0], noise_shape[2], noise_shape[1]).transpose(1, 2)
    noise.normal_(0.0, 1.0, generator=generator)
    return jitter, noise
