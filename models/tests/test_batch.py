"""predict_batch / decode_batch: every item of a padded batch equals that item run alone.

Durations are compared exactly, F0/N/asr to 1e-4 of their scale, audio by correlation. Audio
is compared on identical decoder inputs: the decoder feeds the phase of an STFT of the
harmonic source onward, and bins of near-zero magnitude flip their phase under 1-ulp changes of
F0 (see the fixture README; a 1-ulp F0 nudge alone drops the correlation to ~0.99). The
end-to-end check (batched predict feeding batched decode) therefore uses the fixture README's
bound for a different-but-correct float path."""
import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import read_case_array
from kokoro_ts import KokoroNet
from kokoro_ts.checkpoint import flatten_checkpoint
from kokoro_ts.model import draw_source_noise
from make_random_checkpoint import random_checkpoint

SAMPLES_PER_FRAME = 600
UPSAMPLE_SCALE = 300  # audio samples per F0 sample


def relative(actual, expected):
    return float((actual - expected).abs().max() / expected.abs().max())


def correlation(a, b):
    return float(np.corrcoef(a.numpy(), b.numpy())[0, 1])


def pad_batch(token_rows):
    """Rows of ids (0, tokens, 0) -> ([B, T] with 0 padding, lengths [B])."""
    lengths = torch.tensor([len(row) for row in token_rows])
    batch = torch.zeros(len(token_rows), int(lengths.max()), dtype=torch.long)
    for b, row in enumerate(token_rows):
        batch[b, :len(row)] = row
    return batch, lengths


def case_items(cases, names, speeds=None):
    by_name = {c["name"]: c for c in cases}
    rows = [torch.from_numpy(read_case_array(by_name[n], "input_ids")) for n in names]
    styles = torch.stack([torch.from_numpy(read_case_array(by_name[n], "ref_s")) for n in names])
    if speeds is None:
        speeds = [by_name[n]["speed"] for n in names]
    return rows, styles, torch.tensor(speeds, dtype=torch.float32)


def source_noise(f0_length, seed):
    generator = torch.Generator()
    generator.manual_seed(seed)
    return draw_source_noise(f0_length, UPSAMPLE_SCALE, generator)


def batch_noise(frames, seeds):
    """Each item's own draw for its own length, zero-padded: what the engine passes."""
    width = int(frames.max()) * SAMPLES_PER_FRAME
    jitters, noises = [], []
    for count, seed in zip(frames.tolist(), seeds):
        jitter, noise = source_noise(2 * count, seed)
        jitters.append(jitter)
        noises.append(F.pad(noise, [0, 0, 0, width - noise.size(1)]))
    return torch.cat(jitters), torch.cat(noises)


def assert_predict_matches_alone(model, rows, styles, speeds, out):
    pred_dur, duration, f0, n, asr, frames = out
    width = max(len(r) for r in rows)
    max_frames = int(frames.max())
    assert pred_dur.shape == duration.shape == (len(rows), width)
    assert f0.shape == n.shape == (len(rows), 2 * max_frames)
    assert asr.shape[0] == len(rows) and asr.shape[2] == max_frames
    for b, row in enumerate(rows):
        alone = model.predict(row.unsqueeze(0), styles[b:b + 1], float(speeds[b]))
        length, count = len(row), int(alone[0].sum())
        assert torch.equal(pred_dur[b, :length], alone[0]), b
        assert int(frames[b]) == count
        assert relative(duration[b, :length], alone[1]) < 1e-5, b
        assert relative(f0[b, :2 * count], alone[2][0]) < 1e-4, b
        assert relative(n[b, :2 * count], alone[3][0]) < 1e-4, b
        assert relative(asr[b, :, :count], alone[4][0]) < 1e-4, b
        for padding in (pred_dur[b, length:], duration[b, length:], f0[b, 2 * count:],
                        n[b, 2 * count:], asr[b, :, count:]):
            assert not padding.any(), b


def test_predict_batch_equals_each_item_alone(tiny_model, cases):
    # 7 to 211 tokens (30x), the shortest first and last, four different speeds.
    names = ["t01_len5", "t05_len209", "t06_len78_speed1.3", "t07_oov", "t02_len21", "t01_len5"]
    rows, styles, speeds = case_items(cases, names, [1.0, 1.0, 1.3, 1.2, 0.8, 0.9])
    with torch.no_grad():
        out = tiny_model.predict_batch(*pad_batch(rows), styles, speeds)
        assert_predict_matches_alone(tiny_model, rows, styles, speeds, out)
    # The speeds took effect per item: the same text at 0.9 is longer than at 1.0.
    assert int(out[5][5]) > int(out[5][0])


def test_decode_batch_equals_each_item_decoded_alone(tiny_model, cases):
    names = ["t01_len5", "t04_len105", "t01_len5"]  # 7 / 107 / 7 tokens: 19, 555, ~24 frames
    rows, styles, speeds = case_items(cases, names, [1.0, 1.0, 0.8])
    seeds = [5, 6, 7]
    with torch.no_grad():
        _, _, f0, n, asr, frames = tiny_model.predict_batch(*pad_batch(rows), styles, speeds)
        jitter, noise = batch_noise(frames, seeds)
        audio = tiny_model.decode_batch(asr, f0, n, styles, frames, jitter, noise)
        assert audio.shape == (len(rows), SAMPLES_PER_FRAME * int(frames.max()))
        for b, count in enumerate(frames.tolist()):
            samples = SAMPLES_PER_FRAME * count
            item_jitter, item_noise = source_noise(2 * count, seeds[b])
            same_inputs = tiny_model.decode(asr[b:b + 1, :, :count], f0[b:b + 1, :2 * count],
                                            n[b:b + 1, :2 * count], styles[b:b + 1],
                                            item_jitter, item_noise)
            assert same_inputs.shape == (samples,)
            assert correlation(audio[b, :samples], same_inputs) >= 0.999, b
            assert not audio[b, samples:].any(), b
            _, _, f0_alone, n_alone, asr_alone = tiny_model.predict(
                rows[b].unsqueeze(0), styles[b:b + 1], float(speeds[b]))
            end_to_end = tiny_model.decode(asr_alone, f0_alone, n_alone, styles[b:b + 1],
                                           item_jitter, item_noise)
            assert correlation(audio[b, :samples], end_to_end) >= 0.85, b


def test_a_batch_of_one_equals_predict_and_decode(tiny_model, cases):
    rows, styles, speeds = case_items(cases, ["t03_len47"])
    with torch.no_grad():
        out = tiny_model.predict_batch(*pad_batch(rows), styles, speeds)
        assert_predict_matches_alone(tiny_model, rows, styles, speeds, out)
        _, _, f0, n, asr, frames = out
        jitter, noise = source_noise(f0.size(1), 13)
        batched = tiny_model.decode_batch(asr, f0, n, styles, frames, jitter, noise)
        alone = tiny_model.decode(asr, f0, n, styles, jitter, noise)
    assert batched.shape == (1, alone.size(0))
    assert correlation(batched[0], alone) >= 0.999


def test_padding_and_other_items_cannot_leak(tiny_model, cases):
    names = ["t01_len5", "t03_len47", "t02_len21"]
    rows, styles, speeds = case_items(cases, names)
    ids, lengths = pad_batch(rows)
    generator = torch.Generator()
    generator.manual_seed(3)
    with torch.no_grad():
        out = tiny_model.predict_batch(ids, lengths, styles, speeds)
        # Other token ids in the padding: nothing changes, bit for bit.
        noisy = ids.clone()
        for b, length in enumerate(lengths.tolist()):
            noisy[b, length:] = torch.randint(1, 150, (ids.size(1) - length,), generator=generator)
        assert all(torch.equal(a, b) for a, b in zip(out, tiny_model.predict_batch(
            noisy, lengths, styles, speeds)))
        # Other tokens for the short items: the long item's results are unchanged.
        changed = ids.clone()
        for b in (0, 2):
            changed[b, 1:lengths[b] - 1] = torch.randint(1, 150, (int(lengths[b]) - 2,),
                                                         generator=generator)
        other = tiny_model.predict_batch(changed, lengths, styles, speeds)
        assert not torch.equal(other[0][2], out[0][2])
        for a, b in zip(out, other):
            assert torch.equal(a[1], b[1])

        _, _, f0, n, asr, frames = out
        jitter, noise = batch_noise(frames, [1, 2, 3])
        audio = tiny_model.decode_batch(asr, f0, n, styles, frames, jitter, noise)
        # Garbage in every padding region of the decoder's inputs: nothing changes.
        f0, n, asr, noise = f0.clone(), n.clone(), asr.clone(), noise.clone()
        for b, count in enumerate(frames.tolist()):
            asr[b, :, count:] = 5.0
            f0[b, 2 * count:] = 300.0
            n[b, 2 * count:] = -3.0
            noise[b, SAMPLES_PER_FRAME * count:] = 7.0
        assert torch.equal(audio, tiny_model.decode_batch(asr, f0, n, styles, frames, jitter, noise))
        # Other inputs for the short items: the long item's audio is unchanged.
        for b in (0, 2):
            count = int(frames[b])
            f0[b, :2 * count] *= 1.5
            asr[b, :, :count] = torch.randn(asr.size(1), count, generator=generator)
            noise[b] = torch.randn(noise.shape[1:], generator=generator)
        other_audio = tiny_model.decode_batch(asr, f0, n, styles, frames, jitter, noise)
    assert torch.equal(audio[1], other_audio[1])
    assert not torch.equal(audio[0], other_audio[0])


def test_scripted_batch_methods_equal_eager(tiny_model, cases):
    scripted = torch.jit.script(tiny_model)
    rows, styles, speeds = case_items(cases, ["t02_len21", "t01_len5"])
    ids, lengths = pad_batch(rows)
    with torch.no_grad():
        eager = tiny_model.predict_batch(ids, lengths, styles, speeds)
        script = scripted.predict_batch(ids, lengths, styles, speeds)
        assert all(torch.equal(a, b) for a, b in zip(eager, script))
        _, _, f0, n, asr, frames = eager
        jitter, noise = batch_noise(frames, [1, 2])
        assert torch.equal(tiny_model.decode_batch(asr, f0, n, styles, frames, jitter, noise),
                           scripted.decode_batch(asr, f0, n, styles, frames, jitter, noise))


def test_full_size_batch_of_three_equals_singles(real_config):
    """The real v1.0 widths (random weights): three short items batched equal them alone."""
    torch.set_num_threads(1)
    model = KokoroNet(real_config).eval()
    flat = flatten_checkpoint(random_checkpoint(real_config, seed=1))
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(flat[name])
    del flat
    generator = torch.Generator()
    generator.manual_seed(4)
    vocab = sorted(set(real_config["vocab"].values()))
    rows = []
    for count in (8, 3, 6):
        picks = torch.randint(0, len(vocab), (count,), generator=generator)
        rows.append(torch.tensor([0] + [vocab[i] for i in picks.tolist()] + [0]))
    styles = torch.randn(3, 256, generator=generator) * 0.2
    speeds = torch.tensor([1.0, 1.1, 0.9])
    with torch.no_grad():
        out = model.predict_batch(*pad_batch(rows), styles, speeds)
        assert_predict_matches_alone(model, rows, styles, speeds, out)
        _, _, f0, n, asr, frames = out
        jitter, noise = batch_noise(frames, [1, 2, 3])
        audio = model.decode_batch(asr, f0, n, styles, frames, jitter, noise)
        for b, count in enumerate(frames.tolist()):
            samples = SAMPLES_PER_FRAME * count
            alone = model.decode(asr[b:b + 1, :, :count], f0[b:b + 1, :2 * count],
                                 n[b:b + 1, :2 * count], styles[b:b + 1],
                                 *source_noise(2 * count, b + 1))
            assert correlation(audio[b, :samples], alone) >= 0.999, b
            assert not audio[b, samples:].any(), b
