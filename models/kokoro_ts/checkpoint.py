"""Python-side loading of an official checkpoint into KokoroNet (tests and the exporter).

The native loader applies the same rules in C++; both must stay strict: every tensor of the
architecture present, none left over, every shape right."""
from typing import Dict

import torch
from torch import Tensor

COMPONENTS = ("bert", "bert_encoder", "predictor", "text_encoder", "decoder")
IGNORED = {"bert.embeddings.position_ids"}


def fold_weight_norm(state: Dict[str, Tensor]) -> Dict[str, Tensor]:
    """Replace every `X.weight_g`/`X.weight_v` pair by `X.weight` (norm over all dims but 0)."""
    out: Dict[str, Tensor] = {}
    for name, tensor in state.items():
        if name.endswith(".weight_g"):
            continue
        if name.endswith(".weight_v"):
            base = name[: -len("_v")]
            g = state.get(base + "_g")
            if g is None:
                raise ValueError(f"{name} has no matching weight_g")
            out[base] = torch._weight_norm(tensor, g, 0)
        else:
            out[name] = tensor
    orphans = [n for n in state if n.endswith(".weight_g") and n[:-2] + "_v" not in state]
    if orphans:
        raise ValueError(f"{orphans[0]} has no matching weight_v")
    return out


def flatten_checkpoint(checkpoint: Dict[str, Dict[str, Tensor]]) -> Dict[str, Tensor]:
    """{component: {module.name: t}} -> {component.name: t}, prefixes stripped, norms folded."""
    flat: Dict[str, Tensor] = {}
    for component in COMPONENTS:
        if component not in checkpoint:
            raise ValueError(f"checkpoint has no '{component}' section")
        for name, tensor in checkpoint[component].items():
            if name.startswith("module."):
                name = name[len("module."):]
            flat[f"{component}.{name}"] = tensor
    extra = set(checkpoint) - set(COMPONENTS)
    if extra:
        raise ValueError(f"unexpected checkpoint section '{sorted(extra)[0]}'")
    flat = fold_weight_norm(flat)
    return {k: v for k, v in flat.items() if k not in IGNORED}


def load_official_checkpoint(model: torch.nn.Module, path: str) -> None:
    """Fill `model` from an official `kokoro-v1_0.pth`-layout file, strictly."""
    checkpoint = torch.load(path, map_location="cpu")
    flat = flatten_checkpoint(checkpoint)
    params = dict(model.named_parameters())
    for name in params:
        if name not in flat:
            raise ValueError(f"checkpoint is missing tensor '{name}'")
    for name, tensor in flat.items():
        if name not in params:
            raise ValueError(f"checkpoint has unexpected tensor '{name}'")
        if params[name].shape != tensor.shape:
            raise ValueError(f"tensor '{name}' has shape {list(tensor.shape)}, "
                             f"expected {list(params[name].shape)}")
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(flat[name])
