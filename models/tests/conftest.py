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


def read_case_array(case, key):
    files = case["files"]
    entry = files[key] if key in files else files["debug/" + key]
    return np.fromfile(os.path.join(FIXTURE, entry["file"]), dtype=entry["dtype"]).reshape(entry["shape"])
