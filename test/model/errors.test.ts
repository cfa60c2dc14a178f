import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode, KModel, KokoroError } from '../../lib/index.js';
import { loadBinding } from '../../lib/native/loadBinding.js';
import { hasShared, realConfig, tinyConfig, tinyVoice, tinyWeights } from '../helpers/fixtures.js';

async function expectCode(promise: Promise<unknown>, code: string, mentions?: string): Promise<KokoroError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(KokoroError);
  expect((error as KokoroError).code).toBe(code);
  if (mentions) expect((error as KokoroError).message).toContain(mentions);
  return error as KokoroError;
}

describe.skipIf(!hasShared)('loading errors', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kokoro-errors-'));

  it('names a missing config file', async () => {
    const path = join(scratch, 'nope', 'config.json');
    await expectCode(KModel.load({ config: path, weights: tinyWeights }), ErrorCode.FileNotFound, path);
  });

  it('rejects a config that is not JSON or lacks keys', async () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, '{ not json');
    await expectCode(KModel.load({ config: bad, weights: tinyWeights }), ErrorCode.BadConfig, bad);
    const partial = join(scratch, 'partial.json');
    writeFileSync(partial, JSON.stringify({ n_token: 178 }));
    await expectCode(KModel.load({ config: partial, weights: tinyWeights }), ErrorCode.BadConfig, 'hidden_dim');
  });

  it('rejects an ALBERT layer count so large that one request would run for hours', async () => {
    const config = JSON.parse(readFileSync(tinyConfig, 'utf8')) as { plbert: Record<string, number> };
    const huge = join(scratch, 'albert-huge.json');
    writeFileSync(huge, JSON.stringify({ ...config, plbert: { ...config.plbert, num_hidden_layers: 1e6 } }));
    await expectCode(KModel.load({ config: huge, weights: tinyWeights }), ErrorCode.BadConfig, 'plbert.num_hidden_layers');
  });

  it('rejects voice values far outside any voice pack before they reach the model', async () => {
    const model = await KModel.load({ config: tinyConfig, weights: tinyWeights });
    try {
      for (const value of [3e38, -1e6]) {
        await expectCode(model.infer('hˈɛlO', new Float32Array(512).fill(value), { seed: 1 }), ErrorCode.BadVoice, 'within');
      }
      await expectCode(model.infer('hˈɛlO', new Float32Array(512).fill(Number.NaN), { seed: 1 }), ErrorCode.BadVoice);
      const fine = await model.infer('hˈɛlO', new Float32Array(512).fill(0.5), { seed: 1 });
      expect(fine.audio.length).toBeGreaterThan(0);
    } finally {
      await model.dispose();
    }
  });

  it('names a missing checkpoint', async () => {
    const path = join(scratch, 'missing.pth');
    await expectCode(KModel.load({ config: tinyConfig, weights: path, device: 'cpu' }), ErrorCode.FileNotFound, path);
  });

  it('rejects files that are not torch checkpoints', async () => {
    const text = join(scratch, 'text.pth');
    writeFileSync(text, 'hello, this is not a zip file at all '.repeat(10));
    await expectCode(KModel.load({ config: tinyConfig, weights: text, device: 'cpu' }), ErrorCode.BadFormat, text);
    await expectCode(KModel.load({ config: tinyConfig, weights: tinyConfig, device: 'cpu' }), ErrorCode.BadFormat);
  });

  it('rejects a checkpoint truncated anywhere, cleanly', async () => {
    const whole = readFileSync(tinyWeights);
    const cut = join(scratch, 'cut.pth');
    const positions = [0, 10, 100, 1000, 4096, whole.length >> 2, whole.length >> 1, whole.length - 5000,
      whole.length - 1000, whole.length - 100, whole.length - 22, whole.length - 1];
    for (const at of positions) {
      writeFileSync(cut, whole.subarray(0, at));
      await expectCode(KModel.load({ config: tinyConfig, weights: cut, device: 'cpu' }), ErrorCode.BadFormat, cut);
    }
  });

  it('names the first mis-shaped tensor when config and checkpoint disagree', async () => {
    const error = await expectCode(KModel.load({ config: realConfig, weights: tinyWeights, device: 'cpu' }),
      ErrorCode.CheckpointMismatch, tinyWeights);
    expect(error.message).toMatch(/tensor '[a-z_.0-9A-Z]+' of shape \[[0-9, ]+\] where config.json implies/);
  });

  it('rejects an unknown device and CUDA where libtorch has none', async () => {
    await expectCode(KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'tpu' as 'cpu' }),
      ErrorCode.InvalidArgument, 'tpu');
    if (!loadBinding().runtimeInfo().cudaAvailable) {
      await expectCode(KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cuda' }),
        ErrorCode.DeviceUnavailable, 'cuda');
    }
  });

  it('rejects a voice file that is missing, malformed, or of the wrong shape', async () => {
    const model = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1 });
    try {
      await expectCode(model.infer('həlˈO', join(scratch, 'none.pt')), ErrorCode.VoiceNotFound, 'none.pt');
      const truncated = join(scratch, 'voice.pt');
      writeFileSync(truncated, readFileSync(tinyVoice).subarray(0, 3000));
      await expectCode(model.infer('həlˈO', truncated), ErrorCode.BadFormat, truncated);
      const wrongBin = join(scratch, 'voice.bin');
      writeFileSync(wrongBin, Buffer.alloc(1000));
      await expectCode(model.infer('həlˈO', wrongBin), ErrorCode.BadVoice, wrongBin);
      await expectCode(model.infer('həlˈO', new Float32Array(100)), ErrorCode.BadVoice, '256');
      // The checkpoint is a torch file but not one tensor.
      await expectCode(model.infer('həlˈO', tinyWeights), ErrorCode.BadVoice, tinyWeights);
    } finally {
      await model.dispose();
    }
  });
});

describe.skipIf(!hasShared)('inference errors leave the model usable', () => {
  let model: KModel;
  beforeAll(async () => {
    model = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1 });
  });
  afterAll(() => model?.dispose());

  it('refuses more than 510 tokens, then keeps serving', async () => {
    await expectCode(model.infer('a'.repeat(511), tinyVoice), ErrorCode.InputTooLong, '511');
    const ok = await model.infer('a'.repeat(510), tinyVoice, { seed: 1 });
    expect(ok.durations.length).toBe(512);
  });

  it('validates speed and seed', async () => {
    await expectCode(model.infer('həlˈO', tinyVoice, { speed: 0 }), ErrorCode.InvalidArgument, 'speed');
    await expectCode(model.infer('həlˈO', tinyVoice, { speed: Number.NaN }), ErrorCode.InvalidArgument, 'speed');
    await expectCode(model.infer('həlˈO', tinyVoice, { seed: -1 }), ErrorCode.InvalidArgument, 'seed');
  });

  it('handles an empty phoneme string and one of only unknown characters', async () => {
    const empty = await model.infer('', tinyVoice, { seed: 1 });
    expect(Array.from(empty.tokenIds)).toEqual([0, 0]);
    expect(empty.audio.length).toBe(600 * empty.durations.reduce((a, b) => a + b, 0));
    const unknown = await model.infer('ggg333', tinyVoice, { seed: 1 });
    expect(unknown.droppedCharacters).toBe('g3');
  });

  it('fails use after dispose with a typed error, and dispose is idempotent', async () => {
    const other = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1 });
    const pending = other.infer('həlˈO', tinyVoice, { seed: 3 });
    await other.dispose();
    await other.dispose();
    expect((await pending).audio.length).toBeGreaterThan(0);
    await expectCode(other.infer('həlˈO', tinyVoice), ErrorCode.Disposed);
  });
});

describe.skipIf(!hasShared)('checkpoint reader', () => {
  it('lists the folded tensors of the official layout', async () => {
    const listing = await loadBinding().inspectCheckpoint(tinyWeights);
    const names = new Map(listing);
    expect(names.get('decoder.encode.conv1.weight')).toEqual([96, 66, 3]);
    expect([...names.keys()].some((n) => n.endsWith('weight_g') || n.endsWith('weight_v') || n.startsWith('module.'))).toBe(false);
    expect(names.has('bert.embeddings.position_ids')).toBe(false);
  });

  it('survives random corruption without crashing', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'kokoro-corrupt-'));
    const whole = readFileSync(tinyWeights);
    const path = join(scratch, 'corrupt.pth');
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let round = 0; round < 40; round++) {
      const copy = Buffer.from(whole);
      // Corrupt the pickle (near the start) and the central directory (the end).
      for (let k = 0; k < 8; k++) {
        const region = next() % 2 === 0 ? next() % 8192 : whole.length - 1 - (next() % 4096);
        copy[region] = next() % 256;
      }
      writeFileSync(path, copy);
      const outcome = await loadBinding().inspectCheckpoint(path).then(() => 'ok', (e: { code?: string }) => e.code);
      expect(['ok', ErrorCode.BadFormat]).toContain(outcome);
    }
    copyFileSync(tinyWeights, path);
    expect((await loadBinding().inspectCheckpoint(path)).length).toBeGreaterThan(100);
  });
});
