#!/usr/bin/env python3
"""Export the Kokoro architecture as TorchScript for the native runtime.

    python3 models/export.py --config config.json [--out-dir models/arch]

writes `kokoro-<hash>.pt` (a TorchScript archive) holding the scripted code with *empty* parameters (a few hundred
kilobytes: the package ships it and the C++ loader fills it from an official checkpoint), and
records it in `<out-dir>/index.json` under the config's structure key. One file serves every
config with the same structure (layer counts, iSTFTNet framing): widths come from the
checkpoint's tensors, validated against the shape spec stored in the file.

The shape spec expresses each parameter dimension as an affine function of named sizes
(config values and three widths read from the checkpoint). It is found by probing: build the
module at base sizes, then again with one size increased, and read off the coefficients.
"""
import argparse
import copy
import hashlib
import json
import os
import sys
from typing import Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from kokoro_ts.model import KokoroNet, StructureConfig  # noqa: E402

# Named sizes: (symbol, path in config.json, or None for a width read from the checkpoint).
SYMBOLS = [
    ("n_token", ("n_token",)),
    ("hidden_dim", ("hidden_dim",)),
    ("style_dim", ("style_dim",)),
    ("max_dur", ("max_dur",)),
    ("text_encoder_kernel_size", ("text_encoder_kernel_size",)),
    ("plbert.hidden_size", ("plbert", "hidden_size")),
    ("plbert.intermediate_size", ("plbert", "intermediate_size")),
    ("plbert.max_position_embeddings", ("plbert", "max_position_embeddings")),
    ("istftnet.upsample_initial_channel", ("istftnet", "upsample_initial_channel")),
    ("albert_embedding_size", None),
    ("decoder_hidden", None),
    ("decoder_asr_res", None),
]
# The torch release the committed archives (models/arch) are exported with: Debian 12's, CI's.
# Loading them needs no particular release (tools/check-libtorch2.sh checks 2.x accepts them).
EXPORTING_TORCH_RELEASE = "1.13"

BASE = 16
STEP = 8  # a multiple of 4, so that the //2 and //4 of channel halving stay exact
SCALE = 4  # coefficients are stored times 4 (they can be 1/2 or 1/4)


def _probe_config(config: Dict, sizes: Dict[str, int]) -> KokoroNet:
    cfg = copy.deepcopy(config)
    for name, path in SYMBOLS:
        if path is None:
            continue
        node = cfg
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = sizes[name]
    cfg["plbert"]["embedding_size"] = sizes["albert_embedding_size"]
    cfg["plbert"]["num_attention_heads"] = 1
    return KokoroNet(cfg, {"hidden": sizes["decoder_hidden"], "asr_res": sizes["decoder_asr_res"]})


def _shapes(model: torch.nn.Module) -> Dict[str, List[int]]:
    return {n: list(p.shape) for n, p in model.named_parameters()}


def shape_spec(config: Dict) -> Dict[str, List[int]]:
    base_sizes = {name: BASE for name, _ in SYMBOLS}
    base_sizes["text_encoder_kernel_size"] = 5
    base = _shapes(_probe_config(config, base_sizes))
    deltas = []
    for name, _ in SYMBOLS:
        sizes = dict(base_sizes)
        sizes[name] += STEP
        deltas.append(_shapes(_probe_config(config, sizes)))
    spec: Dict[str, List[int]] = {}
    for param, dims in base.items():
        row: List[int] = []
        for d, value in enumerate(dims):
            coeffs = [(delta[param][d] - value) * SCALE // STEP for delta in deltas]
            constant = value * SCALE - sum(c * base_sizes[name] for c, (name, _) in zip(coeffs, SYMBOLS))
            row += [constant] + coeffs
        spec[param] = row
    return spec


def export_architecture(config: Dict, out_dir: str) -> str:
    model = KokoroNet(config).eval()
    model.shape_symbols = [name for name, _ in SYMBOLS]
    model.shape_spec = shape_spec(config)
    with torch.no_grad():
        for p in model.parameters():
            p.data = torch.empty(0)
    scripted = torch.jit.script(model)
    key = model.structure_key
    name = f"kokoro-{hashlib.sha256(key.encode()).hexdigest()[:12]}.pt"
    os.makedirs(out_dir, exist_ok=True)
    scripted.save(os.path.join(out_dir, name))
    index_path = os.path.join(out_dir, "index.json")
    index = json.load(open(index_path)) if os.path.exists(index_path) else {}
    index[key] = name
    with open(index_path, "w") as f:
        json.dump(dict(sorted(index.items())), f, indent=2)
        f.write("\n")
    return os.path.join(out_dir, name)


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes class constants in set order: fix the hash seed so that exports
        # are byte-for-byte reproducible (the repository's copies are checked by a test).
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="a Kokoro config.json")
    parser.add_argument("--out-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "arch"))
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    print(export_architecture(config, args.out_dir))


if __name__ == "__main__":
    main()
