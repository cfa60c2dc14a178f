import { describe, expect, it } from 'vitest';

import { KModel, KokoroError, runtimeInfo } from '../../lib/index.js';
import { correlation, fixtureCases, hasShared, tinyConfig, tinyVoice, tinyWeights } from '../helpers/fixtures.js';
import { useTinyPrecisions } from '../helpers/tinyPrecisions.js';

describe.skipIf(!hasShared)('decoder precision (tiny random model)', () => {
  const models = useTinyPrecisions();

  it('reports the precision it runs in', () => {
    expect(models.fp32.precision).toBe('fp32');
    expect(models.bf16.precision).toBe('bf16');
  });

  for (const c of hasShared ? fixtureCases() : []) {
    it(`${c.name}: bf16 keeps durations and curves and correlates >= 0.999 with fp32`, async () => {
      const options = { speed: c.speed, seed: c.seed, curves: true };
      const a = await models.fp32.infer(c.phonemes, tinyVoice, options);
      const b = await models.bf16.infer(c.phonemes, tinyVoice, options);
      // The text side (durations, F0, energy) runs in float32 in both.
      expect(Array.from(b.durations)).toEqual(Array.from(a.durations));
      expect(Buffer.from(b.f0!.buffer).equals(Buffer.from(a.f0!.buffer))).toBe(true);
      expect(b.audio.length).toBe(a.audio.length);
      expect(b.audio.every(Number.isFinite)).toBe(true);
      const r = correlation(a.audio, b.audio);
      expect(r).toBeGreaterThanOrEqual(0.999);
      expect(r).toBeLessThan(1); // bf16 really ran
    });
  }

  it('auto picks bf16 exactly when the CPU has native bf16', async () => {
    const auto = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1, precision: 'auto' });
    try {
      expect(auto.precision).toBe(runtimeInfo().cpuBf16 ? 'bf16' : 'fp32');
    } finally {
      await auto.dispose();
    }
  });

  it('rejects fp16 on the CPU and unknown precisions with KOKORO_INVALID_ARGUMENT', async () => {
    for (const precision of ['fp16', 'int8']) {
      const load = KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1, precision: precision as 'fp16' });
      await expect(load).rejects.toBeInstanceOf(KokoroError);
      await expect(load).rejects.toMatchObject({ code: 'KOKORO_INVALID_ARGUMENT', message: expect.stringContaining(precision) });
    }
  });

  it('saves float32 weights from a bf16 model, which load back to the same bf16 output', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const path = join(mkdtempSync(join(tmpdir(), 'kokoro-bf16-')), 'tiny.pt');
    await models.bf16.save(path);
    const again = await KModel.load({ config: tinyConfig, torchscript: path, device: 'cpu', threads: 1, precision: 'bf16' });
    try {
      const a = await models.bf16.infer('ðɪs ɪz ɐ tˈɛst.', tinyVoice, { seed: 4 });
      const b = await again.infer('ðɪs ɪz ɐ tˈɛst.', tinyVoice, { seed: 4 });
      expect(Buffer.from(a.audio.buffer).equals(Buffer.from(b.audio.buffer))).toBe(true);
    } finally {
      await again.dispose();
    }
  });
});
