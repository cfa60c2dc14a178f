import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode, KModel, KokoroError, MAX_TOKENS, ModelManager, type KokoroModel } from '../../lib/index.js';
import { limits } from '../../lib/limits.js';
import { loadBinding } from '../../lib/native/loadBinding.js';
// @ts-expect-error plain JS helper
import { findPythonWithTorch } from '../helpers/environment.mjs';
import { hasShared, tinyConfig, tinyVoice, tinyWeights } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';
// @ts-expect-error plain JS builders shared with the fuzz corpus generator
import { tensorFile } from '../fuzz/torchFiles.mjs';

async function codeOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  const error = await (typeof work === 'function' ? work() : work).then(() => 'none', (e: unknown) => e);
  if (error === 'none') return 'none';
  expect(error).toBeInstanceOf(KokoroError);
  return (error as KokoroError).code;
}

async function drain(stream: AsyncIterable<{ audio: Float32Array }>): Promise<number> {
  let samples = 0;
  for await (const chunk of stream) samples += chunk.audio.length;
  return samples;
}

describe.skipIf(!hasShared)('request limits and typed errors at the boundary', () => {
  let kmodel: KModel;
  let model: KokoroModel;
  let manager: ModelManager;
  const scratch = mkdtempSync(join(tmpdir(), 'kokoro-limits-'));
  const phonemes = 'hˈɛlO wˈɜɹld';
  beforeAll(async () => {
    kmodel = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1 });
    manager = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', threads: 1 });
    model = await manager.getModel();
  });
  afterAll(async () => {
    await kmodel?.dispose();
    await manager?.dispose();
  });

  it('the limits come from the native side, one source', () => {
    expect(limits()).toEqual(loadBinding().limits);
    expect(limits().minSpeed).toBe(0.25);
    expect(limits().maxSpeed).toBe(4);
    expect(limits().maxTokens).toBe(MAX_TOKENS);
  });

  it('speed outside [0.25, 4] and bad seeds are KOKORO_INVALID_ARGUMENT on every path', async () => {
    for (const speed of [0.001, 0.24, 4.01, 100, Number.NaN, Infinity, -1]) {
      expect(await codeOf(kmodel.infer(phonemes, tinyVoice, { speed }))).toBe(ErrorCode.InvalidArgument);
      expect(await codeOf(drain(model.generate('Hi.', { voice: 'af_heart', lang: 'a', speed })))).toBe(ErrorCode.InvalidArgument);
    }
    for (const seed of [-1, 1.5, Number.NaN, 2 ** 60]) {
      expect(await codeOf(kmodel.infer(phonemes, tinyVoice, { seed }))).toBe(ErrorCode.InvalidArgument);
      expect(await codeOf(drain(model.generate('Hi.', { voice: 'af_heart', lang: 'a', seed })))).toBe(ErrorCode.InvalidArgument);
    }
    for (const speed of [0.25, 4]) expect((await kmodel.infer(phonemes, tinyVoice, { speed, seed: 1 })).audio.length).toBeGreaterThan(0);
  });

  it('caps the frames of one inference; a slow stream cuts its chunks so that it never meets the cap', async () => {
    const python = findPythonWithTorch() as string | undefined;
    if (python) {
      // Every token as long as the model allows: max_dur (50) frames at speed 1, 200 at 0.25.
      const longest = poisonedCheckpoint(python, 'longest.pth', `
p = state['predictor']
p['module.duration_proj.linear_layer.weight'].zero_()
p['module.duration_proj.linear_layer.bias'].fill_(20.0)`);
      const slow = await KModel.load({ config: tinyConfig, weights: longest, device: 'cpu', threads: 1 });
      expect(await codeOf(slow.infer('ə'.repeat(300), tinyVoice, { speed: 0.25, seed: 1 }))).toBe(ErrorCode.InputTooLong);
      await slow.dispose();
    }
    const text = Array.from({ length: 100 }, () => 'ah').join(' ');
    const budget = Math.floor(limits().maxFrames / Math.ceil(50 / 0.5)) - 2;
    const sizes: number[] = [];
    for await (const chunk of model.generate(text, { voice: 'af_heart', lang: 'a', speed: 0.5, seed: 1 })) sizes.push(chunk.tokens.length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(budget);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(budget);
  });

  it('signals: pre-aborted is KOKORO_ABORTED, a non-AbortSignal is KOKORO_INVALID_ARGUMENT', async () => {
    expect(await codeOf(drain(model.generate('Hi.', { voice: 'af_heart', lang: 'a', signal: AbortSignal.abort() })))).toBe(ErrorCode.Aborted);
    const bogus = { aborted: false } as unknown as AbortSignal;
    expect(await codeOf(drain(model.generate('Hi.', { voice: 'af_heart', lang: 'a', signal: bogus })))).toBe(ErrorCode.InvalidArgument);
  });

  it('voices: NaN/Inf floats, absurd mix weights and non-float32 packs are KOKORO_BAD_VOICE', async () => {
    const nan = new Float32Array(256).fill(0.1);
    nan[7] = Number.NaN;
    const inf = new Float32Array(512).fill(0.1);
    inf[300] = Infinity;
    expect(await codeOf(kmodel.infer(phonemes, nan))).toBe(ErrorCode.BadVoice);
    expect(await codeOf(kmodel.infer(phonemes, inf))).toBe(ErrorCode.BadVoice);
    expect(await codeOf(drain(model.generate('Hi.', { voice: nan, lang: 'a' })))).toBe(ErrorCode.BadVoice);
    expect(await codeOf(model.getVoice(`af_heart(1${'0'.repeat(400)})+af_bella`))).toBe(ErrorCode.BadVoice);
    const int64 = join(scratch, 'int64.pt');
    writeFileSync(int64, tensorFile({ storageType: 'LongStorage', numel: 512, sizes: [2, 1, 256], strides: [256, 256, 1] }));
    const error = await kmodel.infer(phonemes, int64).then(() => undefined, (e: KokoroError) => e);
    expect(error?.code).toBe(ErrorCode.BadVoice);
    expect(error?.message).toContain(int64);
    expect(error?.message).toContain('int64');
  });

  it('config and load options: an array vocab is KOKORO_BAD_CONFIG, a bad voiceRow KOKORO_INVALID_ARGUMENT', async () => {
    const config = JSON.parse(readFileSync(tinyConfig, 'utf8')) as Record<string, unknown>;
    for (const vocab of [[], ['a', 'b'], { a: 1.5 }]) {
      expect(await codeOf(KModel.load({ config: { ...config, vocab } as never, weights: tinyWeights, device: 'cpu' }))).toBe(ErrorCode.BadConfig);
    }
    expect(await codeOf(KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', voiceRow: 'bogus' as never }))).toBe(ErrorCode.InvalidArgument);
  });

  it('never returns NaN audio: a checkpoint with NaN decoder weights fails typed', async () => {
    const python = findPythonWithTorch() as string | undefined;
    if (!python) return;
    const poisoned = poisonedCheckpoint(python, 'nan.pth', `
for tensor in state['decoder'].values():
    if tensor.is_floating_point():
        tensor.fill_(float('nan'))`);
    const bad = await KModel.load({ config: tinyConfig, weights: poisoned, device: 'cpu', threads: 1 });
    expect(await codeOf(bad.infer(phonemes, tinyVoice))).toBe(ErrorCode.InferenceFailed);
    await bad.dispose();
  });

  // The fixture checkpoint with `edit` (Python, on `state`) applied.
  function poisonedCheckpoint(python: string, name: string, edit: string): string {
    const out = join(scratch, name);
    const script = ['import torch, sys', "state = torch.load(sys.argv[1], map_location='cpu')", edit.trim(), 'torch.save(state, sys.argv[2])'].join('\n');
    const made = spawnSync(python, ['-c', script, tinyWeights, out], { encoding: 'utf8' });
    expect(made.stderr).toBe('');
    return out;
  }
});
