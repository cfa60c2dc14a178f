import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KModel, runtimeInfo } from '../../lib/index.js';
import {
  correlation, fixtureCases, goldenAudioCorrelation, hasShared, maxRelativeError, readCaseArray, sameTorchAsGoldens,
  tinyConfig, tinyWeights, tinyVoice,
} from '../helpers/fixtures.js';

describe.skipIf(!hasShared)('parity with the official implementation (tiny random model)', () => {
  let model: KModel;
  beforeAll(async () => {
    model = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1, precision: 'fp32' });
  });
  afterAll(() => model?.dispose());

  for (const c of hasShared ? fixtureCases() : []) {
    it(`${c.name}: durations exact, F0/N within 1e-4, audio correlated`, async () => {
      const result = await model.infer(c.phonemes, tinyVoice, { speed: c.speed, seed: c.seed, curves: true });
      const expectedDurations = Array.from(readCaseArray(c, 'pred_dur') as BigInt64Array, Number);
      expect(Array.from(result.durations)).toEqual(expectedDurations);
      expect(Array.from(result.tokenIds)).toEqual(c.input_ids);
      expect(result.voiceRow).toBe(c.voice_row);
      expect(maxRelativeError(result.f0!, readCaseArray(c, 'F0_pred') as Float32Array)).toBeLessThan(1e-4);
      expect(maxRelativeError(result.n!, readCaseArray(c, 'N_pred') as Float32Array)).toBeLessThan(1e-4);
      const reference = readCaseArray(c, 'audio') as Float32Array;
      expect(result.audio.length).toBe(reference.length);
      expect(result.audio.length).toBe(600 * expectedDurations.reduce((a, b) => a + b, 0));
      expect(correlation(result.audio, reference)).toBeGreaterThanOrEqual(goldenAudioCorrelation());
    });
  }

  it('gives identical audio for the same seed and different audio for another', async () => {
    const c = fixtureCases().find((x) => x.name === 't03_len47')!;
    const a = await model.infer(c.phonemes, tinyVoice, { seed: 13 });
    const b = await model.infer(c.phonemes, tinyVoice, { seed: 13 });
    const other = await model.infer(c.phonemes, tinyVoice, { seed: 99 });
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(b.audio.buffer))).toBe(true);
    expect(Array.from(other.durations)).toEqual(Array.from(a.durations));
    expect(correlation(a.audio, other.audio)).toBeLessThan(0.9);
    expect(correlation(other.audio, readCaseArray(fixtureCases().find((x) => x.name === 't03_len47_seed99')!, 'audio') as Float32Array))
      .toBeGreaterThan(goldenAudioCorrelation());
  });

  it('reports the random seed it used so that a run can be reproduced', async () => {
    const first = await model.infer('həlˈO', tinyVoice);
    const again = await model.infer('həlˈO', tinyVoice, { seed: first.seed });
    expect(Buffer.from(again.audio.buffer).equals(Buffer.from(first.audio.buffer))).toBe(true);
  });

  it('drops characters outside the vocab and still counts them for the voice row', async () => {
    const c = fixtureCases().find((x) => x.name === 't07_oov')!;
    const result = await model.infer(c.phonemes, tinyVoice, { seed: c.seed });
    expect(result.droppedCharacters).toContain('g');
    expect(result.voiceRow).toBe([...c.phonemes].length - 1);
  });

  it('accepts one style row as a Float32Array', async () => {
    const c = fixtureCases().find((x) => x.name === 't01_len5')!;
    const row = readCaseArray(c, 'ref_s') as Float32Array;
    const result = await model.infer(c.phonemes, row, { seed: c.seed });
    expect(Array.from(result.durations)).toEqual(Array.from(readCaseArray(c, 'pred_dur') as BigInt64Array, Number));
  });
});

const referenceBlas = '/usr/lib/x86_64-linux-gnu/blas';

const bitExactPossible = hasShared && existsSync(join(referenceBlas, 'libblas.so.3')) && sameTorchAsGoldens();
if (hasShared && !sameTorchAsGoldens()) {
  console.warn(`[kokoro-native tests] skipping bit-exactness: libtorch ${runtimeInfo().torchVersion} is not the goldens' release (cases.json: environment)`);
}

describe.skipIf(!bitExactPossible)('bit-exactness', () => {
  it('reproduces the official audio bit for bit through the native path under the reference BLAS', () => {
    // The golden run used Debian's reference BLAS: with the same library, every operation and
    // every random draw must match exactly (any other BLAS changes the last bits).
    const script = `
      const { readFileSync } = require('node:fs');
      const { KModel } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'))});
      const F = ${JSON.stringify(join(tinyConfig, '..'))} + '/';
      (async () => {
        const m = await KModel.load({ config: F + 'config.json', weights: F + 'model.pth', device: 'cpu', threads: 1, precision: 'fp32' });
        const cases = JSON.parse(readFileSync(F + 'cases.json', 'utf8')).cases;
        const mismatched = [];
        for (const c of cases) {
          const r = await m.infer(c.phonemes, F + 'voice.pt', { seed: c.seed, speed: c.speed });
          if (!Buffer.from(r.audio.buffer).equals(readFileSync(F + c.files.audio.file))) mismatched.push(c.name);
        }
        await m.dispose();
        console.log(JSON.stringify({ cases: cases.length, mismatched }));
      })();`;
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, LD_LIBRARY_PATH: referenceBlas }, encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ cases: 10, mismatched: [] });
  });
});
