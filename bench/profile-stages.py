#!/usr/bin/env python3
"""Where one inference's time goes, by stage and by op: our models/kokoro_ts run eagerly under
torch.autograd.profiler, with the decoder converted the way the native loader converts it
(`--precision bf16`: every decoder weight bfloat16 except the harmonic source and the spectrum
head) and, with `--ops LIB`, the native fused operators
(a shared library built from native/core/FusedAdainSnake.cc and KokoroOps.cc, see below)
instead of their PyTorch references.

    /usr/bin/python3 bench/profile-stages.py [--precision fp32|bf16] [--threads 2] [--runs 3]
                                             [--ops /tmp/kokoro_ops.so] [--top 25] [--tokens 112]

`--tokens N` profiles an input of N phonemes instead (what is fixed per pass shows as the ops
whose time does not shrink with N).

Build the operator library (same flags as the addon's build of those two files):

    g++ -O3 -DNDEBUG -fPIC -shared -std=gnu++17 -ffp-contract=off -I native \
        -isystem /usr/include/torch/csrc/api/include native/core/FusedAdainSnake.cc \
        native/core/KokoroOps.cc -o /tmp/kokoro_ops.so -ltorch -ltorch_cpu -lc10 -ldl

The native runtime runs the same ops through the TorchScript interpreter, so the op table is
its own up to the interpreter's per-op overhead (a few microseconds per op). Same input, weights
and threads as bench/cpu-speed.mjs. Prints JSON: total seconds per run, then per stage and per op
(self time, summed over the profiled runs, divided by the run count).
"""
import argparse
import json
import os
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
SHARED = os.environ.get("KOKORO_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
PHONEMES = ("ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. " * 3)[:112]
FLOAT32_ONLY = ("decoder.generator.m_source.", "decoder.generator.conv_post.")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--precision", default="bf16", choices=["fp32", "bf16"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ops", default="", help="shared library with the native kokoro:: operators")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--tokens", type=int, default=len(PHONEMES))
    parser.add_argument("--no-pack", action="store_true",
                        help="bf16: leave the convolution weights in plain layout (the loader packs them)")
    return parser.parse_args()


def convert_decoder(model: torch.nn.Module) -> None:
    """What native/core/Precision.cc convertDecoder does for bf16."""
    for name, param in model.named_parameters():
        if name.startswith("decoder.") and not name.startswith(FLOAT32_ONLY):
            param.data = param.data.to(torch.bfloat16)


def pack_decoder(model: torch.nn.Module) -> int:
    """What native/core/PackedWeights.cc packDecoderWeights does after the bf16 conversion."""
    packed = 0
    for name, module in model.named_modules():
        if name.startswith("decoder.") and hasattr(module, "pack_weight") and module.pack_weight():
            module.weight = torch.nn.Parameter(torch.empty(0, dtype=torch.bfloat16), requires_grad=False)
            packed += 1
    return packed


def label_stages(model: torch.nn.Module) -> None:
    """Each stage's forward inside a record_function of its module path."""
    decoder = model.decoder
    generator = decoder.generator
    stages = {"bert": model.bert, "bert_encoder": model.bert_encoder,
              "predictor": model.predictor, "text_encoder": model.text_encoder,
              "decoder.encode": decoder.encode, "decoder.asr_res": decoder.asr_res}
    for i, block in enumerate(decoder.decode):
        stages[f"decoder.decode.{i}"] = block
    for i, (up, conv, res) in enumerate(zip(generator.ups, generator.noise_convs, generator.noise_res)):
        stages[f"generator.ups.{i}"] = up
        stages[f"generator.noise_convs.{i}"] = conv
        stages[f"generator.noise_res.{i}"] = res
    for j, block in enumerate(generator.resblocks):
        stages[f"generator.resblocks.{j}"] = block
    stages["generator.m_source"] = generator.m_source
    stages["generator.conv_post"] = generator.conv_post
    for name, module in stages.items():
        def enter(_module, _inputs, name=name):
            _module._kokoro_range = torch.autograd.profiler.record_function(name)
            _module._kokoro_range.__enter__()

        def leave(_module, _inputs, _output):
            _module._kokoro_range.__exit__(None, None, None)
        module.register_forward_pre_hook(enter)
        module.register_forward_hook(leave)


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    if args.ops:
        torch.ops.load_library(args.ops)  # before kokoro_ts registers its references
    from kokoro_ts import KokoroNet, load_official_checkpoint
    from kokoro_ts.model import draw_source_noise

    with open(os.path.join(SHARED, "kokoro-v1_0", "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = KokoroNet(config).eval()
    load_official_checkpoint(model, os.path.join(ROOT, ".test-artifacts", "full-size-random", "kokoro-random.pth"))
    if args.precision == "bf16":
        convert_decoder(model)
        if not args.no_pack:
            pack_decoder(model)
    voice = torch.load(os.path.join(SHARED, "kokoro-v1_0", "voices", "af_heart.pt"))
    phonemes = (PHONEMES * (args.tokens // len(PHONEMES) + 1))[:args.tokens]
    ids = torch.LongTensor([[0] + [config["vocab"][c] for c in phonemes if c in config["vocab"]] + [0]])
    style = voice[len(phonemes) - 1]

    def run(seed: int) -> None:
        with torch.no_grad():
            with torch.autograd.profiler.record_function("predict"):
                _, _, f0, n, asr = model.predict(ids, style, 1.0)
            generator = torch.Generator()
            generator.manual_seed(seed)
            jitter, noise = draw_source_noise(f0.size(1), 300, generator)
            with torch.autograd.profiler.record_function("decode"):
                model.decode(asr, f0, n, style, jitter, noise)

    run(0)
    plain = []
    for seed in range(args.runs):
        start = time.perf_counter()
        run(seed)
        plain.append(time.perf_counter() - start)
    label_stages(model)
    with torch.autograd.profiler.profile() as prof:
        for seed in range(args.runs):
            run(seed)
    events = prof.key_averages()
    stage_names = {e.key for e in events if e.key in ("predict", "decode") or "." in e.key
                   or e.key in ("bert", "bert_encoder", "predictor", "text_encoder")}
    stages = {e.key: round(e.cpu_time_total / 1e6 / args.runs, 4) for e in events if e.key in stage_names}
    ops = sorted((e for e in events if e.key not in stage_names), key=lambda e: -e.self_cpu_time_total)
    total_self = sum(e.self_cpu_time_total for e in events if e.key not in stage_names)
    report = {
        "precision": args.precision, "threads": args.threads, "runs": args.runs, "tokens": args.tokens,
        "fusedOps": bool(args.ops), "unprofiledSeconds": [round(t, 3) for t in plain],
        "stagesSeconds": dict(sorted(stages.items(), key=lambda kv: -kv[1])),
        "opsSelfSeconds": [{"op": e.key, "s": round(e.self_cpu_time_total / 1e6 / args.runs, 4),
                            "share": round(e.self_cpu_time_total / total_self, 3), "calls": e.count // args.runs}
                           for e in ops[:args.top]],
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
