#!/usr/bin/env python3
"""Milliseconds per call of the fused AdaIN + Snake operator (`kokoro::adain_snake`) on the
generator's two bf16 stage shapes of a 112-phoneme input ([1, 256, 6800] and [1, 128, 40800]),
for one or more builds of the operator library, taking turns call batch by call batch; with
torch.sin and a copy of the same tensor as yardsticks of this machine.

    /usr/bin/python3 bench/fused-kernel.py --ops /tmp/after.so [--ops /tmp/before.so] [--threads 2] [--rounds 5]

Build a library from a tree's sources (the addon's flags for these files; see profile-stages.py):

    g++ -O3 -DNDEBUG -fPIC -shared -std=gnu++17 -ffp-contract=off -I native \\
        -isystem /usr/include/torch/csrc/api/include native/core/FusedAdainSnake.cc \\
        native/core/AdainSnakeBf16.cc native/core/KokoroOps.cc native/core/TiledSnakeConv.cc \\
        native/core/TiledConvTranspose.cc -o /tmp/after.so -ltorch -ltorch_cpu -lc10 -ldl

(a tree before AdainSnakeBf16.cc existed: leave that file out). Each library is loaded in its own
child process, since both register the same operator names. Prints JSON.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

SHAPES = [(1, 256, 6800), (1, 128, 40800)]
CALLS = 20


def measure(ops: str, threads: int) -> dict:
    """Runs in the child: median ms per call of each operation, per shape."""
    import torch
    torch.ops.load_library(ops)
    torch.set_num_threads(threads)
    generator = torch.Generator().manual_seed(0)
    out = {}
    for shape in SHAPES:
        b, c, t = shape
        x = torch.randn(shape, generator=generator).to(torch.bfloat16)
        gamma = (torch.randn(b, c, 1, generator=generator) * 0.1).to(torch.bfloat16)
        beta = (torch.randn(b, c, 1, generator=generator) * 0.1).to(torch.bfloat16)
        alpha = (torch.rand(1, c, 1, generator=generator) + 0.5).to(torch.bfloat16)
        runs = {"adain_snake": lambda: torch.ops.kokoro.adain_snake(x, gamma, beta, alpha),
                "torch.sin": lambda: torch.sin(x), "copy": lambda: x.clone()}
        for name, run in runs.items():
            run()
            start = time.perf_counter()
            for _ in range(CALLS):
                run()
            out[f"{name} {list(shape)}"] = (time.perf_counter() - start) / CALLS * 1e3
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", action="append", required=True, help="operator library (repeatable)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.ops[0], args.threads)))
        return
    samples = {ops: [] for ops in args.ops}
    for _ in range(args.rounds):
        for ops in args.ops:
            child = subprocess.run([sys.executable, __file__, "--child", "--ops", ops, "--threads", str(args.threads)],
                                   check=True, capture_output=True, text=True)
            samples[ops].append(json.loads(child.stdout))
    report = {"threads": args.threads, "rounds": args.rounds, "callsPerSample": CALLS, "msPerCallMedian": {
        ops: {key: round(statistics.median(s[key] for s in runs), 2) for key in runs[0]} for ops, runs in samples.items()}}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
