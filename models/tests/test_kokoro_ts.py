"""The TorchScript architecture against the official implementation's golden outputs."""
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch

from conftest import FIXTURE, MODELS_DIR, audio_correlation_bound, read_case_array, release, same_torch_as_goldens
from kokoro_ts import KokoroNet, load_official_checkpoint
from kokoro_ts.checkpoint import flatten_checkpoint
from kokoro_ts.model import StructureConfig, draw_source_noise
from export import EXPORTING_TORCH_RELEASE, SCALE, SYMBOLS, export_architecture
from make_random_checkpoint import random_checkpoint

REFERENCE_BLAS_DIR = "/usr/lib/x86_64-linux-gnu/blas"


def run_case(model, case):
    ids = torch.from_numpy(read_case_array(case, "input_ids")).unsqueeze(0)
    ref_s = torch.from_numpy(read_case_array(case, "ref_s")).unsqueeze(0)
    with torch.no_grad():
        pred_dur, dur_float, f0, n, asr = model.predict(ids, ref_s, case["speed"])
        generator = torch.Generator()
        generator.manual_seed(case["seed"])
        jitter, noise = draw_source_noise(f0.size(1), 300, generator)
        audio = model.decode(asr, f0, n, ref_s, jitter, noise)
    return pred_dur.numpy(), dur_float.numpy(), f0.numpy(), n.numpy(), audio.numpy()


def max_relative(actual, expected):
    return float(np.abs(actual.reshape(expected.shape) - expected).max() / np.abs(expected).max())


def test_every_case_matches_the_reference(tiny_model, cases):
    for case in cases:
        pred_dur, dur_float, f0, n, audio = run_case(tiny_model, case)
        assert np.array_equal(pred_dur, read_case_array(case, "pred_dur")), case["name"]
        assert max_relative(dur_float, read_case_array(case, "duration_float")) < 1e-5
        assert max_relative(f0, read_case_array(case, "F0_pred")) < 1e-4, case["name"]
        assert max_relative(n, read_case_array(case, "N_pred")) < 1e-4, case["name"]
        reference = read_case_array(case, "audio")
        assert audio.shape == reference.shape == (600 * int(pred_dur.sum()),)
        assert np.corrcoef(audio, reference)[0, 1] >= audio_correlation_bound(), case["name"]


def test_intermediate_tensors_match(tiny_model, cases):
    case = next(c for c in cases if c["name"] == "t02_len21")
    ids = torch.from_numpy(read_case_array(case, "input_ids")).unsqueeze(0)
    ref_s = torch.from_numpy(read_case_array(case, "ref_s")).unsqueeze(0)
    with torch.no_grad():
        bert_out = tiny_model.bert(ids)
        d_en = tiny_model.bert_encoder(bert_out)
        d = tiny_model.predictor.text_encoder(d_en.transpose(-1, -2), ref_s[:, 128:])
        _, _, _, _, asr = tiny_model.predict(ids, ref_s, 1.0)
    for name, value in [("bert_out", bert_out), ("bert_encoder_out", d_en), ("dur_enc_out", d),
                        ("text_encoder_out", tiny_model.text_encoder(ids)), ("asr", asr)]:
        assert max_relative(value.detach().numpy(), read_case_array(case, name)) < 1e-5, name


def test_a_wrong_seed_does_not_reproduce_the_audio(tiny_model, cases):
    case = dict(next(c for c in cases if c["name"] == "t03_len47"))
    reference = read_case_array(case, "audio")
    case["seed"] = 12345
    audio = run_case(tiny_model, case)[4]
    assert np.corrcoef(audio, reference)[0, 1] < 0.8


def test_scripted_module_equals_eager(tiny_model, cases):
    scripted = torch.jit.script(tiny_model)
    case = next(c for c in cases if c["name"] == "t02_len21")
    eager = run_case(tiny_model, case)
    script = run_case(scripted, case)
    for a, b in zip(eager, script):
        assert np.array_equal(a, b)


@pytest.mark.skipif(not os.path.exists(os.path.join(REFERENCE_BLAS_DIR, "libblas.so.3")),
                    reason="the reference BLAS (Debian libblas3) is not installed")
@pytest.mark.skipif(not same_torch_as_goldens(),
                    reason="bit-exactness holds under the goldens' torch release only (cases.json: environment)")
def test_bit_exact_with_the_references_blas(fixture_config):
    """Under the same BLAS as the golden run, audio is bit-identical: proof that the random
    draws and every operation follow the official code."""
    script = (
        "import sys, torch, numpy as np, os\n"
        f"sys.path[:0] = [{MODELS_DIR!r}, {os.path.join(MODELS_DIR, 'tests')!r}]\n"
        "from test_kokoro_ts import *\n"
        "from conftest import *\n"
        "import json\n"
        "torch.set_num_threads(1)\n"
        "cfg = json.load(open(os.path.join(FIXTURE, 'config.json')))\n"
        "m = KokoroNet(cfg).eval(); load_official_checkpoint(m, os.path.join(FIXTURE, 'model.pth'))\n"
        "cases = json.load(open(os.path.join(FIXTURE, 'cases.json')))['cases']\n"
        "bad = [c['name'] for c in cases if not np.array_equal(run_case(m, c)[4], read_case_array(c, 'audio'))]\n"
        "print('MISMATCH', bad)\n"
        "sys.exit(1 if bad else 0)\n")
    env = dict(os.environ, LD_LIBRARY_PATH=REFERENCE_BLAS_DIR)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_checkpoint_layout_matches_the_official_file(fixture_config, real_config):
    official = torch.load(os.path.join(FIXTURE, "model.pth"))
    generated = random_checkpoint(fixture_config)
    for section in official:
        assert set(official[section]) == set(generated[section]), section
        for key, tensor in official[section].items():
            assert generated[section][key].shape == tensor.shape, key
    real = random_checkpoint(real_config)
    assert sum(k.endswith(".weight_g") for s in real.values() for k in s) == 89


def evaluate_spec(row, sizes):
    width = len(SYMBOLS) + 1
    dims = []
    for i in range(0, len(row), width):
        constant, coeffs = row[i], row[i + 1:i + width]
        dims.append((constant + sum(c * sizes[name] for c, (name, _) in zip(coeffs, SYMBOLS))) // SCALE)
    return dims


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_shape_spec_predicts_every_shape(which, fixture_config, real_config, tmp_path):
    config = fixture_config if which == "fixture" else real_config
    path = export_architecture(config, str(tmp_path))
    module = torch.jit.load(path)
    model = KokoroNet(config)
    widths = config.get("x_decoder_widths", {"hidden": 1024, "asr_res": 64})
    sizes = {"albert_embedding_size": 128, "decoder_hidden": widths["hidden"],
             "decoder_asr_res": widths["asr_res"]}
    for name, path_ in SYMBOLS:
        if path_ is not None:
            node = config
            for key in path_:
                node = node[key]
            sizes[name] = node
    spec = module.shape_spec
    assert set(spec) == {n for n, _ in model.named_parameters()}
    for name, p in model.named_parameters():
        assert evaluate_spec(spec[name], sizes) == list(p.shape), name


@pytest.mark.skipif(release(torch.__version__) != EXPORTING_TORCH_RELEASE,
                    reason=f"the committed archives are exported with torch {EXPORTING_TORCH_RELEASE}; another release serializes other code")
def test_committed_architectures_are_up_to_date(fixture_config, real_config, tmp_path):
    with open(os.path.join(MODELS_DIR, "arch", "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    for config in (fixture_config, real_config):
        key = StructureConfig.from_config(config).key()
        assert key in index
        fresh = os.path.join(tmp_path, index[key])
        config_path = os.path.join(tmp_path, "config.json")
        with open(config_path, "w", encoding="utf-8") as f:
            json.dump(config, f)
        subprocess.run([sys.executable, os.path.join(MODELS_DIR, "export.py"), "--config", config_path,
                        "--out-dir", str(tmp_path)], check=True, capture_output=True)
        committed = os.path.join(MODELS_DIR, "arch", index[key])
        assert _meaningful_entries(fresh) == _meaningful_entries(committed), \
            f"models/arch/{index[key]} is stale: re-run models/export.py"


def _meaningful_entries(path):
    """The archive's entries minus the debug tables, which record the exporter's file paths."""
    with zipfile.ZipFile(path) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()
                if not name.endswith(".debug_pkl")}


def test_strict_loading_names_the_offending_tensor(fixture_config, tmp_path):
    checkpoint = torch.load(os.path.join(FIXTURE, "model.pth"))
    model = KokoroNet(fixture_config)
    del checkpoint["decoder"]["module.F0_conv.bias"]
    path = tmp_path / "missing.pth"
    torch.save(checkpoint, path)
    with pytest.raises(ValueError, match="decoder.F0_conv.bias"):
        load_official_checkpoint(model, str(path))
    checkpoint = torch.load(os.path.join(FIXTURE, "model.pth"))
    checkpoint["predictor"]["module.F0_proj.weight"] = torch.zeros(3, 3, 3)
    torch.save(checkpoint, path)
    with pytest.raises(ValueError, match="predictor.F0_proj.weight"):
        load_official_checkpoint(model, str(path))


def test_flatten_folds_weight_norm_and_strips_prefixes(fixture_config):
    flat = flatten_checkpoint(torch.load(os.path.join(FIXTURE, "model.pth")))
    assert "decoder.encode.conv1.weight" in flat
    assert not any(k.endswith(("weight_g", "weight_v")) or ".module." in k for k in flat)
    assert "bert.embeddings.position_ids" not in flat


def test_the_generator_calls_the_fused_operator(tiny_model, fixture_config, tmp_path):
    """The archive records torch.ops.kokoro.adain_snake (which the native addon fuses), and the
    operator's Python registration is the unfused computation: AdaIN then Snake, bit for bit."""
    from kokoro_ts.fused import snake
    path = export_architecture(fixture_config, str(tmp_path))
    with zipfile.ZipFile(path) as archive:
        code = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".py"))
    assert b"ops.kokoro.adain_snake(" in code and b"ops.kokoro.adain_snake_(" in code
    block = tiny_model.decoder.generator.resblocks[0]
    norm, alpha = block.adain1[0], block.alpha1[0]
    torch.manual_seed(3)
    s = torch.randn(1, 128)
    for width in (2, 3, 7, 301):  # instance_norm needs 2 steps
        x = torch.randn(1, alpha.size(1), width) * 3 + 0.5
        expected = snake(norm(x, s), alpha)
        assert torch.equal(norm.with_snake(x, s, alpha, False), expected)
        y = x.clone()
        assert torch.equal(norm.with_snake(y, s, alpha, True), expected) and torch.equal(y, expected)


def test_the_float32_generator_calls_the_tiled_operators(tiny_model, fixture_config, tmp_path):
    """In float32 the residual blocks call torch.ops.kokoro.adain_snake_conv1d(_add_) and the
    upsampling torch.ops.kokoro.conv_transpose1d (which the addon runs in time tiles); their
    Python registrations give the official computation bit for bit."""
    from kokoro_ts.fused import snake
    path = export_architecture(fixture_config, str(tmp_path))
    with zipfile.ZipFile(path) as archive:
        code = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".py"))
    for op in (b"adain_snake_conv1d(", b"adain_snake_conv1d_add_(", b"conv_transpose1d("):
        assert b"ops.kokoro." + op in code
    generator = tiny_model.decoder.generator
    block = generator.resblocks[1]
    torch.manual_seed(5)
    s = torch.randn(1, 128)
    x = torch.randn(1, block.alpha1[0].size(1), 301) * 2
    expected = x
    for c1, c2, n1, n2, a1, a2 in zip(block.convs1, block.convs2, block.adain1, block.adain2,
                                      block.alpha1, block.alpha2):
        expected = c2(snake(n2(c1(snake(n1(expected, s), a1)), s), a2)) + expected
    assert torch.equal(block(x, s), expected)
    up = generator.ups[0]
    h = torch.randn(1, up.weight.size(0), 50)
    official = torch.nn.functional.conv_transpose1d(h, up.weight, up.bias, up.stride, up.padding)
    assert torch.equal(up(h), official)


@pytest.mark.parametrize("kernel,stride,dilation,same", [(3, 1, 1, True), (11, 1, 5, True), (12, 6, 1, False),
                                                          (1, 1, 1, False)])
def test_packed_bf16_convolution_equals_the_plain_one(kernel, stride, dilation, same):
    from kokoro_ts.layers import Conv1d
    torch.manual_seed(kernel)
    conv = Conv1d(40, 24, kernel, stride=stride, padding=0 if same else kernel // 2, dilation=dilation,
                  same_padding=same)
    conv.weight.data = torch.randn(24, 40, kernel).bfloat16()
    conv.bias.data = torch.randn(24).bfloat16()
    scripted = torch.jit.script(conv)
    x = torch.randn(1, 40, 333).bfloat16()
    plain = scripted(x)
    assert scripted.pack_weight()
    assert not scripted.pack_weight()  # once
    scripted.weight = torch.nn.Parameter(torch.empty(0, dtype=torch.bfloat16), requires_grad=False)
    assert torch.equal(scripted(x), plain)
    assert torch.equal(scripted.unpacked_weight(), conv.weight.data)


def test_float32_convolutions_are_not_packed():
    from kokoro_ts.layers import Conv1d
    scripted = torch.jit.script(Conv1d(8, 8, 3, same_padding=True))
    assert not scripted.pack_weight()
    assert scripted.packed_weight is None


def test_packed_polyphase_upsampling_equals_the_plain_one():
    from kokoro_ts.layers import ConvTranspose1d
    torch.manual_seed(0)
    up = ConvTranspose1d(48, 24, 20, stride=10, padding=5)
    up.weight.data = torch.randn(48, 24, 20).bfloat16()
    up.bias.data = torch.randn(24).bfloat16()
    scripted = torch.jit.script(up)
    x = torch.randn(1, 48, 57).bfloat16()
    plain = scripted(x)
    assert scripted.pack_weight()
    scripted.weight = torch.nn.Parameter(torch.empty(0, dtype=torch.bfloat16), requires_grad=False)
    assert torch.equal(scripted(x), plain)
    assert torch.equal(scripted.unpacked_weight(), up.weight.data)
