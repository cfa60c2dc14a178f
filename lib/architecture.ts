import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { structureKey, type KokoroConfig } from './config.js';
import { ErrorCode, KokoroError } from './errors.js';
import { architectureDir } from './native/loadBinding.js';

/**
 * Finds the shipped TorchScript architecture for a config: the package ships one per model
 * structure (layer counts and iSTFTNet framing), made by models/export.py.
 */
export function findArchitecture(config: KokoroConfig, configPath: string): string {
  const key = structureKey(config);
  const indexPath = join(architectureDir, 'index.json');
  let index: Record<string, string>;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new KokoroError(ErrorCode.FileNotFound, `cannot read ${indexPath} (${(error as Error).message}): reinstall kokoro-native.`);
  }
  const file = index[key];
  if (!file) {
    throw new KokoroError(
      ErrorCode.BadConfig,
      `${configPath} describes a model structure this package has no architecture for (${key}). ` +
        `Export one with: python3 models/export.py --config ${configPath} --out-dir DIR, then pass ` +
        `{ architecture: 'DIR/<file>.pt' } to KModel.load.`,
    );
  }
  return join(architectureDir, file);
}
