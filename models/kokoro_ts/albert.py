"""ALBERT text model (the "PL-BERT" of Kokoro), with Hugging Face AlbertModel parameter names.

One transformer layer is shared by all `num_hidden_layers` passes; the pass count and head
count are attributes, not structure, so one exported architecture serves any depth.
"""
import math
from typing import Final, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from .layers import Embedding, Linear, _param

class LayerNorm(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.weight = _param(width)
        self.bias = _param(width)

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, [self.weight.size(0)], self.weight, self.bias, 1e-12)


class AlbertEmbeddings(nn.Module):
    def __init__(self, vocab_size: int, embedding_size: int, max_positions: int):
        super().__init__()
        self.word_embeddings = Embedding(vocab_size, embedding_size)
        self.position_embeddings = Embedding(max_positions, embedding_size)
        self.token_type_embeddings = Embedding(2, embedding_size)
        self.LayerNorm = LayerNorm(embedding_size)

    def forward(self, ids: Tensor) -> Tensor:
        positions = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        token_types = torch.zeros_like(ids)
        # Same summation order as the reference: (words + token types) + positions.
        x = self.word_embeddings(ids) + self.token_type_embeddings(token_types)
        x = x + self.position_embeddings(positions)
        return self.LayerNorm(x)


class AlbertAttention(nn.Module):
    num_heads: int

    def __init__(self, hidden: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.query = Linear(hidden, hidden)
        self.key = Linear(hidden, hidden)
        self.value = Linear(hidden, hidden)
        self.dense = Linear(hidden, hidden)
        self.LayerNorm = LayerNorm(hidden)

    def _split_heads(self, x: Tensor) -> Tensor:
        b, t, h = x.size(0), x.size(1), x.size(2)
        return x.view(b, t, self.num_heads, h // self.num_heads).permute(0, 2, 1, 3)

    def forward(self, x: Tensor, key_bias: Optional[Tensor] = None) -> Tensor:
        q = self._split_heads(self.query(x))
        k = self._split_heads(self.key(x))
        v = self._split_heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.size(-1))
        if key_bias is not None:
            scores = scores + key_bias
        probs = F.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).transpose(2, 1).flatten(2)
        return self.LayerNorm(x + self.dense(context))


def gelu_new(x: Tensor) -> Tensor:
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class AlbertLayer(nn.Module):
    def __init__(self, hidden: int, intermediate: int, num_heads: int):
        super().__init__()
        self.attention = AlbertAttention(hidden, num_heads)
        self.ffn = Linear(hidden, intermediate)
        self.ffn_output = Linear(intermediate, hidden)
        self.full_layer_layer_norm = LayerNorm(hidden)

    def forward(self, x: Tensor, key_bias: Optional[Tensor] = None) -> Tensor:
        attended = self.attention(x, key_bias)
        ffn = self.ffn_output(gelu_new(self.ffn(attended)))
        return self.full_layer_layer_norm(ffn + attended)


class AlbertLayerGroup(nn.Module):
    def __init__(self, hidden: int, intermediate: int, num_heads: int):
        super().__init__()
        self.albert_layers = nn.ModuleList([AlbertLayer(hidden, intermediate, num_heads)])

    def forward(self, x: Tensor, key_bias: Optional[Tensor] = None) -> Tensor:
        for layer in self.albert_layers:
            x = layer(x, key_bias)
        return x


class AlbertEncoder(nn.Module):
    num_hidden_layers: int

    def __init__(self, embedding_size: int, hidden: int, intermediate: int, num_heads: int,
                 num_hidden_layers: int):
        super().__init__()
        self.num_hidden_layers = num_hidden_layers
        self.embedding_hidden_mapping_in = Linear(embedding_size, hidden)
        self.albert_layer_groups = nn.ModuleList([AlbertLayerGroup(hidden, intermediate, num_heads)])

    def forward(self, x: Tensor, key_bias: Optional[Tensor] = None) -> Tensor:
        x = self.embedding_hidden_mapping_in(x)
        for _ in range(self.num_hidden_layers):
            for group in self.albert_layer_groups:
                x = group(x, key_bias)
        return x


class Albert(nn.Module):
    """Returns the last hidden state [B, T, hidden]. Batch 1 inputs have no padding, so the
    attention mask of the reference (all ones) is omitted: it adds exactly zero."""

    def __init__(self, vocab_size: int, embedding_size: int, hidden: int, intermediate: int,
                 num_heads: int, num_hidden_layers: int, max_positions: int):
        super().__init__()
        self.embeddings = AlbertEmbeddings(vocab_size, embedding_size, max_positions)
        self.encoder = AlbertEncoder(embedding_size, hidden, intermediate, num_heads,
                                     num_hidden_layers)
        # Part of the checkpoint; the last hidden state does not use it.
        self.pooler = Linear(hidden, hidden)

    def forward(self, ids: Tensor, valid: Optional[Tensor] = None) -> Tensor:
        """`valid` [B, T] bool marks each item's tokens in a padded batch (None: no padding).
        Padded keys get the reference's additive mask, float32's lowest value: their attention
        weight is exactly 0, so no valid position sees the padding."""
        x = self.embeddings(ids)
        key_bias: Optional[Tensor] = None
        if valid is not None:
            lowest = -3.4028234663852886e38  # torch.finfo(torch.float32).min
            key_bias = valid.logical_not().to(x.dtype).mul(lowest)[:, None, None, :]
        return self.encoder(x, key_bias)
