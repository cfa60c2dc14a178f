import json
import os
import sys

import numpy as np
import pytest

MODELS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODELS_DIR)
sys.path.insert(0, os.path.join(MODELS_DIR, "tools"))

SHARED = os.environ.get("KOKORO_SHARED_DIR", os.path.join(MODELS_DIR, "..", "..", "shared"))
FIXTURE = os.path.join(SHARED, "fixtures", "kokoro-tiny")
REAL_CONFIG = os.path.join(SHARED, "kokoro-v1_0", "config.json")


def require_shared():
    if not os.path.isdir(FIXTURE):
        pytest.skip(f"needs the shared fixtures at {FIXTURE} (../shared beside the repository; "
                    "CI always has it)")


@pytest.fixture(scope="session")
def fixture_config():
    require_shared()
    with open(os.path.join(FIXTURE, "config.json"), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def real_config():
    require_shared()
    with open(REAL_CONFIG, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def cases():
    require_shared()
    with open(os.path.join(FIXTURE, "cases.json"), encoding="utf-8") as f:
        return json.load(f)["cases"]


@pytest.fixture(scope="module")
def tiny_model(fixture_config):
    """The fixture checkpoint in our architecture, eval mode, 1 thread (the golden runs')."""
    import torch
    from kokoro_ts import KokoroNet, load_official_checkpoint
    torch.set_num_threads(1)
    model = KokoroNet(fixture_config).eval()
    load_official_checkpoint(model, os.path.join(FIXTURE, "model.pth"))
    return model


def release(version):
    """'1.13.0a0' or '2.6.0+debian' -> '1.13' / '2.6'."""
    return ".".join(version.split("+")[0].split(".")[:2])


def golden_torch_release():
    """The torch release the golden outputs were made with (cases.json's environment)."""
    with open(os.path.join(FIXTURE, "cases.json"), encoding="utf-8") as f:
        return release(json.load(f)["environment"]["torch"])


def same_torch_as_goldens():
    """Only under the goldens' torch release are our numerics theirs, op for op."""
    import torch
    return os.path.isdir(FIXTURE) and release(torch.__version__) == golden_torch_release()


# The random-weight decoder turns last-bit differences into phase flips (the fixture README).
# Under the goldens' torch release the audio correlates >= 0.94 with them (what the official code
# reaches with another BLAS); under another release the official graph itself drifts further on
# long inputs: run eagerly with the official ops under torch 2.6 it correlates 0.85-0.99 with the
# 1.13 goldens, 0.849 for t05_len209, the longest (BENCHMARKS.md, "libtorch 2.6").
AUDIO_CORRELATION_SAME_TORCH = 0.94
AUDIO_CORRELATION_OTHER_TORCH = 0.80


def audio_correlation_bound():
    return AUDIO_CORRELATION_SAME_TORCH if same_torch_as_goldens() else AUDIO_CORRELATION_OTHER_TORCH


def read_case_array(case, key):
    files = case["files"]
    entry = files[key] if key in files else files["debug/" + key]
    return np.fromfile(os.path.join(FIXTURE, entry["file"]), dtype=entry["dtype"]).reshape(entry["shape"])
