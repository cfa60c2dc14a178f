import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { KModel, readVoicePackFile, runtimeInfo } from '../../lib/index.js';
// @ts-expect-error plain JS helper
import { fullModelPath } from '../helpers/environment.mjs';
import { hasShared, realConfig, realVoicesDir, tinyConfig, tinyVoice, tinyWeights } from '../helpers/fixtures.js';

const fullModel = fullModelPath() as string;

describe.skipIf(!hasShared)('real voices and full-size models', () => {
  it('loads every real voice pack as [510, 256]', async () => {
    const files = readdirSync(realVoicesDir).filter((f) => f.endsWith('.pt'));
    expect(files.length).toBe(54);
    for (const file of files) {
      const pack = await readVoicePackFile(join(realVoicesDir, file));
      expect(pack.rows).toBe(510);
      expect(pack.data.length).toBe(510 * 256);
    }
  });

  it.skipIf(!existsSync(fullModel))('loads a full-size random model through the same path and runs it with a real voice', async () => {
    const model = await KModel.load({ config: realConfig, weights: fullModel, device: 'cpu' });
    try {
      expect(model.parameterCount).toBeGreaterThan(81_000_000);
      const result = await model.infer('həlˈO wˈɜɹld', join(realVoicesDir, 'af_heart.pt'), { seed: 5 });
      expect(result.audio.length).toBe(600 * result.durations.reduce((a, b) => a + b, 0));
      expect(result.audio.every(Number.isFinite)).toBe(true);
    } finally {
      await model.dispose();
    }
  });

  it('saves a self-contained TorchScript model that loads without the checkpoint', async () => {
    const model = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1 });
    const path = join(mkdtempSync(join(tmpdir(), 'kokoro-save-')), 'tiny.pt');
    await model.save(path);
    const fast = await KModel.load({ config: tinyConfig, torchscript: path, device: 'cpu', threads: 1 });
    const a = await model.infer('ðɪs ɪz ɐ tˈɛst.', tinyVoice, { seed: 4 });
    const b = await fast.infer('ðɪs ɪz ɐ tˈɛst.', tinyVoice, { seed: 4 });
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(b.audio.buffer))).toBe(true);
    await model.dispose();
    await fast.dispose();
  });

  it('reports the BLAS library and thread settings', () => {
    const info = runtimeInfo();
    expect(info.torchVersion).toMatch(/^\d+\.\d+/);
    expect(info.blas.length).toBeGreaterThan(0);
    expect(info.defaultThreads).toBeGreaterThanOrEqual(1);
  });

  it('reports the kernels and allocator in use', () => {
    const info = runtimeInfo();
    if (info.blas.startsWith('OpenBLAS')) expect(info.blasCoreType).toMatch(/^\w+$/);
    if (info.parallelInfo.includes('MKL-DNN')) expect(info.onednn).toMatch(/^oneDNN \d+\.\d+\.\d+, \S+/);
    expect(typeof info.cpuBf16).toBe('boolean');
    expect(info.allocator).toMatch(/^(tensor pool \(blocks >= \d+ KiB, cache <= \d+ MiB\), )?(glibc|malloc from (jemalloc|tcmalloc|mimalloc))/);
    expect(info.tensorPool === null || info.tensorPool.cacheLimitBytes >= 0).toBe(true);
  });
});
