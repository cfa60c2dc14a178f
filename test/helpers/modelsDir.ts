import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { realVoicesDir, tinyConfig, tinyWeights } from './fixtures.js';

/**
 * A models folder in the Hugging Face layout holding the tiny fixture model as "v1.0", with the
 * real voice packs: what ModelManager expects, without the real weights.
 */
export function makeTinyModelsDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'kokoro-models-'));
  const dir = join(root, 'v1_0');
  mkdirSync(dir);
  copyFileSync(tinyConfig, join(dir, 'config.json'));
  symlinkSync(tinyWeights, join(dir, 'kokoro-v1_0.pth'));
  symlinkSync(realVoicesDir, join(dir, 'voices'));
  return root;
}
