#!/usr/bin/env python3
"""Write a random-weight checkpoint in the exact layout of the official `kokoro-v1_0.pth`.

    python3 models/tools/make_random_checkpoint.py --config config.json --out model.pth

Used by the tests and benchmarks to get a full-size model from the real config.json without
the real weights (which cannot be downloaded here). Layout: a dict of five sections, each a
`collections.OrderedDict` whose keys carry the `module.` prefix; weight-normalised layers as
`weight_g`/`weight_v`; ALBERT's `embeddings.position_ids` buffer included.
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch  # noqa: E402

from kokoro_ts.checkpoint import COMPONENTS  # noqa: E402
from kokoro_ts.layers import Conv1d, ConvTranspose1d  # noqa: E402
from kokoro_ts.model import KokoroNet  # noqa: E402

# Convolutions the official code does not wrap in weight_norm.
PLAIN_CONVS = ("noise_convs.", "F0_proj", "N_proj")


def weight_normed_modules(model: torch.nn.Module):
    """Names of the modules stored as weight_g/weight_v in an official checkpoint."""
    return {name for name, m in model.named_modules()
            if isinstance(m, (Conv1d, ConvTranspose1d)) and not any(p in name for p in PLAIN_CONVS)}


def random_checkpoint(config, seed: int = 0, scale: float = 0.05):
    torch.manual_seed(seed)
    model = KokoroNet(config)
    normed = weight_normed_modules(model)
    sections = {c: collections.OrderedDict() for c in COMPONENTS}
    for name, p in model.named_parameters():
        component, rest = name.split(".", 1)
        module_name = name.rsplit(".", 1)[0]
        value = torch.randn(p.shape) * scale
        if name.endswith("alpha1.0") or ".alpha" in name:
            value = torch.rand(p.shape) + 0.5  # Snake's alpha divides: keep it away from 0
        if "LayerNorm.weight" in name or name.endswith(".gamma") or "layer_norm.weight" in name:
            value = 1 + value
        if name == "predictor.duration_proj.linear_layer.bias":
            # Speech-like durations (about 3 frames per token, as the real model predicts):
            # audio length, and so the decoder's work, then matches real use in benchmarks.
            value = value - 2.75
        if module_name in normed and name.endswith(".weight"):
            base = rest[: -len(".weight")]
            norm = torch.norm_except_dim(value, 2, 0)
            sections[component][f"module.{base}.weight_g"] = norm.clone()
            sections[component][f"module.{base}.weight_v"] = value
        else:
            sections[component][f"module.{rest}"] = value
        if name == "bert.embeddings.position_embeddings.weight":
            positions = config["plbert"]["max_position_embeddings"]
            sections["bert"]["module.embeddings.position_ids"] = torch.arange(positions).unsqueeze(0)
    return sections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    torch.save(random_checkpoint(config, args.seed), args.out)
    print(args.out)


if __name__ == "__main__":
    main()
