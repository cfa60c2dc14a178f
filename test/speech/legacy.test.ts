import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ModelManager } from '../../lib/index.js';
import { legacyVocab } from '../../lib/legacyConfig.js';
// @ts-expect-error plain JS helper
import { findPythonWithTorch } from '../helpers/environment.mjs';
import { hasShared, realVoicesDir, tinyConfig, tinyWeights } from '../helpers/fixtures.js';

const python = findPythonWithTorch() as string | undefined;

describe('v0.19 vocab', () => {
  it('keeps the ids v1.0 did not reassign', () => {
    const v0 = legacyVocab();
    expect(v0.a).toBe(43);
    expect(v0['ɑ']).toBe(69);
    expect(v0['ᵻ']).toBe(177);
    expect(v0.A).toBe(17);
    expect(v0['«']).toBe(12);
  });
});

describe.skipIf(!hasShared || !python)('a v0.19-layout model folder', () => {
  it('loads a "net"-wrapped checkpoint with a v0.19 config and picks the style row by token count', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kokoro-v019-'));
    const dir = join(root, 'v0_19');
    mkdirSync(dir);
    const config = JSON.parse(readFileSync(tinyConfig, 'utf8')) as Record<string, unknown>;
    delete config.vocab;
    config.decoder = { type: 'istftnet', ...(config.istftnet as object) };
    delete config.istftnet;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const wrap = spawnSync(python!, ['-c',
      'import sys, torch; torch.save({"net": torch.load(sys.argv[1])}, sys.argv[2])', tinyWeights, join(dir, 'kokoro-v0_19.pth')]);
    expect(wrap.status).toBe(0);
    symlinkSync(realVoicesDir, join(dir, 'voices'));
    const manager = new ModelManager({ modelsDir: root, device: 'cpu', threads: 1 });
    try {
      const model = await manager.getModel('v0.19');
      const result = await model.infer('həlˈoʊ', 'af_heart', { seed: 1 });
      expect(result.voiceRow).toBe(6); // six tokens; v1.0 would take row 5
      expect(result.audio.length).toBeGreaterThan(0);
    } finally {
      await manager.dispose();
    }
  });
});
