#!/usr/bin/env python3
"""Batched vs one-by-one inference of our architecture (models/kokoro_ts), full-size model.

    /usr/bin/python3 bench/batch-arch.py [--threads 2] [--runs 3] [--sizes 1,2,4,8]
                                         [--tokens 40-52] [--script]

For each batch size B: B items of similar length (default sentence-sized, random ids,
random-weight full-size model from the real config.json, whose duration head predicts about 3
frames per token). Each run times the B items one by one (`predict` + `decode`) and as one
batch (`predict_batch` + `decode_batch`), in alternating order, noise drawn per item in both.
Reports wall seconds per item (median over runs) and the batched/one-by-one ratio for
predict, decode and both, and the same ratio of process CPU time (steadier than wall time on a
shared machine). Prints one JSON object.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "models"), os.path.join(ROOT, "models", "tools")]

from kokoro_ts import KokoroNet  # noqa: E402
from kokoro_ts.checkpoint import flatten_checkpoint  # noqa: E402
from kokoro_ts.model import draw_source_noise  # noqa: E402
from make_random_checkpoint import random_checkpoint  # noqa: E402

SHARED = os.environ.get("KOKORO_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
SAMPLES_PER_FRAME = 600
UPSAMPLE_SCALE = 300


def build_model(config):
    model = KokoroNet(config).eval()
    flat = flatten_checkpoint(random_checkpoint(config))
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(flat[name])
    return model


def make_items(config, count, generator, tokens=(40, 52)):
    vocab = sorted(set(config["vocab"].values()))
    items = []
    for _ in range(count):
        length = int(torch.randint(tokens[0], tokens[1] + 1, (1,), generator=generator))
        picks = torch.randint(0, len(vocab), (length,), generator=generator).tolist()
        ids = torch.tensor([0] + [vocab[i] for i in picks] + [0])
        items.append((ids, torch.randn(1, 256, generator=generator) * 0.2))
    return items


def noise_for(f0_length, seed):
    generator = torch.Generator()
    generator.manual_seed(seed)
    return draw_source_noise(f0_length, UPSAMPLE_SCALE, generator)


def clocks():
    return time.perf_counter(), time.process_time()


def since(a, b):
    return b[0] - a[0], b[1] - a[1]


def one_by_one(model, items):
    """((predict wall, cpu), (decode wall, cpu)) for the items one at a time."""
    predict, decode = (0.0, 0.0), (0.0, 0.0)
    for seed, (ids, style) in enumerate(items):
        start = clocks()
        _, _, f0, n, asr = model.predict(ids.unsqueeze(0), style, 1.0)
        middle = clocks()
        model.decode(asr, f0, n, style, *noise_for(f0.size(1), seed))
        end = clocks()
        predict = tuple(a + b for a, b in zip(predict, since(start, middle)))
        decode = tuple(a + b for a, b in zip(decode, since(middle, end)))
    return predict, decode


def batched(model, items):
    start = clocks()
    lengths = torch.tensor([len(ids) for ids, _ in items])
    batch = torch.zeros(len(items), int(lengths.max()), dtype=torch.long)
    for b, (ids, _) in enumerate(items):
        batch[b, :len(ids)] = ids
    styles = torch.cat([style for _, style in items])
    speeds = torch.ones(len(items))
    _, _, f0, n, asr, frames = model.predict_batch(batch, lengths, styles, speeds)
    middle = clocks()
    width = SAMPLES_PER_FRAME * int(frames.max())
    jitters, noises = [], []
    for seed, count in enumerate(frames.tolist()):
        jitter, noise = noise_for(2 * count, seed)
        jitters.append(jitter)
        noises.append(F.pad(noise, [0, 0, 0, width - noise.size(1)]))
    model.decode_batch(asr, f0, n, styles, frames, torch.cat(jitters), torch.cat(noises))
    return since(start, middle), since(middle, clocks())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1,2,4,8")
    parser.add_argument("--tokens", default="40-52", help="item length range, in tokens")
    parser.add_argument("--script", action="store_true", help="time the TorchScript module")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(os.path.join(SHARED, "kokoro-v1_0", "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = build_model(config)
    if args.script:
        model = torch.jit.script(model)
    generator = torch.Generator()
    generator.manual_seed(0)
    sizes = [int(s) for s in args.sizes.split(",")]
    tokens = tuple(int(t) for t in args.tokens.split("-"))
    report = {"threads": args.threads, "runs": args.runs, "script": args.script,
              "tokens": args.tokens, "sizes": {}}
    with torch.no_grad():
        one_by_one(model, make_items(config, 1, generator))  # warm-up
        batched(model, make_items(config, 2, generator))
        for size in sizes:
            items = make_items(config, size, generator, tokens)
            frames = [int(model.predict(ids.unsqueeze(0), s, 1.0)[0].sum()) for ids, s in items]
            times = {"alone": [], "batched": []}
            for run in range(args.runs):
                order = ["alone", "batched"] if run % 2 == 0 else ["batched", "alone"]
                for kind in order:
                    fn = one_by_one if kind == "alone" else batched
                    times[kind].append(fn(model, items))
            row = {"frames": frames}
            for kind, runs in times.items():
                row[kind] = {}
                for clock, c in (("", 0), ("cpu_", 1)):
                    row[kind][clock + "predict_s_per_item"] = round(
                        statistics.median(p[c] for p, _ in runs) / size, 3)
                    row[kind][clock + "decode_s_per_item"] = round(
                        statistics.median(d[c] for _, d in runs) / size, 3)
                    row[kind][clock + "total_s_per_item"] = round(
                        statistics.median(p[c] + d[c] for p, d in runs) / size, 3)
            row["batched_over_alone"] = {
                key: round(row["batched"][key] / row["alone"][key], 3) for key in row["alone"]}
            report["sizes"][size] = row
            print(json.dumps({size: row}), file=sys.stderr, flush=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
