#!/usr/bin/env python3
"""The official computation in eager PyTorch, for comparing the native path with Python on one
machine: our models/kokoro_ts run eagerly is op for op the official code's (where our module
writes an op differently for speed, this script puts the official op back, see
`official_ops`).

    /usr/bin/python3 bench/python-reference.py [threads]          # the model-speed.mjs inputs
    /usr/bin/python3 bench/python-reference.py --serve [threads]  # driven by bench/cpu-speed.mjs

--serve reads one JSON request per line on stdin ({"phonemes": ..., "seed": ...}) and answers
each with {"seconds": ..., "samples": ...} on stdout, so that a benchmark can alternate it with
the native path in one run.

Uses the full-size random checkpoint that bench/model-speed.mjs makes (.test-artifacts/).
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))

from kokoro_ts import KokoroNet, load_official_checkpoint  # noqa: E402
from kokoro_ts.layers import AdainResBlk1d  # noqa: E402
from kokoro_ts.model import draw_source_noise  # noqa: E402

SHARED = os.environ.get("KOKORO_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
SHORT = "həlˈO wˈɜɹld, ðɪs ɪz ɐ tˈɛst."
LONG = ("ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. " * 5).strip()


def official_ops() -> None:
    """The official depthwise upsampling op (kokoro_ts writes it out element-wise)."""
    def pool(self, x):
        if self.upsample:
            return F.conv_transpose1d(x, self.pool.weight, self.pool.bias, 2, 1, 1, x.size(1))
        return x
    AdainResBlk1d._pool = pool


def load_model():
    with open(os.path.join(SHARED, "kokoro-v1_0", "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    official_ops()
    model = KokoroNet(config).eval()
    load_official_checkpoint(model, os.path.join(ROOT, ".test-artifacts", "full-size-random", "kokoro-random.pth"))
    voice = torch.load(os.path.join(SHARED, "kokoro-v1_0", "voices", "af_heart.pt"))

    def run(phonemes: str, seed: int) -> int:
        ids = torch.LongTensor([[0] + [config["vocab"][c] for c in phonemes if c in config["vocab"]] + [0]])
        style = voice[len(phonemes) - 1]
        with torch.no_grad():
            _, _, f0, n, asr = model.predict(ids, style, 1.0)
            generator = torch.Generator()
            generator.manual_seed(seed)
            jitter, noise = draw_source_noise(f0.size(1), 300, generator)
            return model.decode(asr, f0, n, style, jitter, noise).numel()

    return run


def serve(run) -> None:
    print(json.dumps({"ready": True, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        start = time.perf_counter()
        samples = run(request["phonemes"], request["seed"])
        print(json.dumps({"seconds": time.perf_counter() - start, "samples": samples}), flush=True)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--serve"]
    torch.set_num_threads(int(args[0]) if args else 2)
    run = load_model()
    if "--serve" in sys.argv:
        serve(run)
        return
    run(SHORT, 0)  # warm-up
    report = {"threads": torch.get_num_threads()}
    for name, phonemes in (("short", SHORT), ("long", LONG)):
        start = time.perf_counter()
        audio = sum(run(phonemes, seed) for seed in range(3)) / 24000
        wall = time.perf_counter() - start
        report[name] = {"audioSeconds": round(audio / 3, 3), "realtimeFactor": round(audio / wall, 2)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
