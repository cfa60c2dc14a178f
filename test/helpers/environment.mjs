// Where the tests find the shared fixtures, Python and generated models. Plain JS so that the
// test runner and the TypeScript tests share it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = process.env.KOKORO_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
export const hasShared = existsSync(join(sharedDir, 'fixtures', 'kokoro-tiny', 'model.pth'));
export const sharedMissingMessage =
  `needs the shared fixtures at ${sharedDir} (the ../shared folder beside the repository; CI always has it)`;

export function fullModelPath() {
  return join(repoRoot, '.test-artifacts', 'full-size-random', 'kokoro-random.pth');
}

let python;
/** A python3 that can import torch, or undefined. */
export function findPythonWithTorch() {
  if (python !== undefined) return python || undefined;
  python = '';
  for (const candidate of [process.env.KOKORO_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    if (probe.status === 0) {
      python = candidate;
      break;
    }
  }
  return python || undefined;
}

/**
 * The full-size random checkpoint (real config.json, random weights), made on first use.
 * Returns its path, or undefined when there is no python3 with torch or no ../shared.
 */
export function ensureFullModel() {
  const path = fullModelPath();
  if (existsSync(path)) return path;
  const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
  const python = findPythonWithTorch();
  if (!python || !existsSync(config)) return undefined;
  mkdirSync(dirname(path), { recursive: true });
  const made = spawnSync(python, [join(repoRoot, 'models', 'tools', 'make_random_checkpoint.py'), '--config', config, '--out', path], { stdio: 'inherit' });
  return made.status === 0 ? path : undefined;
}

/**
 * A fresh models folder in the Hugging Face layout ("v1_0": the given config.json, the weights
 * linked as kokoro-v1_0.pth, the real voice packs), for the benchmarks' ModelManagers.
 */
export function makeBenchModelsDir(config, weights, prefix = 'kokoro-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'v1_0'));
  copyFileSync(config, join(dir, 'v1_0', 'config.json'));
  symlinkSync(weights, join(dir, 'v1_0', 'kokoro-v1_0.pth'));
  symlinkSync(join(sharedDir, 'kokoro-v1_0', 'voices'), join(dir, 'v1_0', 'voices'));
  return dir;
}
