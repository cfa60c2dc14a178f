#!/usr/bin/env python3
"""The same computation as bench/model-speed.mjs, in Python (models/kokoro_ts, eager PyTorch,
op for op the official code's), for comparing the native path with Python on one machine.

    /usr/bin/python3 bench/python-reference.py [threads]

Uses the full-size random checkpoint that bench/model-speed.mjs makes (.test-artifacts/).
"""
import json
import os
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))

from kokoro_ts import KokoroNet, load_official_checkpoint  # noqa: E402
from kokoro_ts.model import draw_source_noise  # noqa: E402

SHARED = os.environ.get("KOKORO_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
SHORT = "həlˈO wˈɜɹld, ðɪs ɪz ɐ tˈɛst."
LONG = ("ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. " * 5).strip()


def main() -> None:
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    with open(os.path.join(SHARED, "kokoro-v1_0", "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = KokoroNet(config).eval()
    load_official_checkpoint(model, os.path.join(ROOT, ".test-artifacts", "full-size-random", "kokoro-random.pth"))
    voice = torch.load(os.path.join(SHARED, "kokoro-v1_0", "voices", "af_heart.pt"))

    def run(phonemes: str, seed: int) -> float:
        ids = torch.LongTensor([[0] + [config["vocab"][c] for c in phonemes if c in config["vocab"]] + [0]])
        style = voice[len(phonemes) - 1]
        with torch.no_grad():
            _, _, f0, n, asr = model.predict(ids, style, 1.0)
            generator = torch.Generator()
            generator.manual_seed(seed)
            jitter, noise = draw_source_noise(f0.size(1), 300, generator)
            return model.decode(asr, f0, n, style, jitter, noise).numel() / 24000

    run(SHORT, 0)  # warm-up
    report = {"threads": torch.get_num_threads()}
    for name, phonemes in (("short", SHORT), ("long", LONG)):
        start = time.perf_counter()
        audio = sum(run(phonemes, seed) for seed in range(3))
        wall = time.perf_counter() - start
        report[name] = {"audioSeconds": round(audio / 3, 3), "realtimeFactor": round(audio / wall, 2)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
