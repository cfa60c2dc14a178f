import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { expect } from 'vitest';

import { makeTinyModelsDir } from './modelsDir.js';

/**
 * Runs `body` in a child node process with `model` bound to the tiny fixture model (1 thread), so
 * that a native crash fails the calling test instead of killing the runner. The body prints one
 * JSON line; the child must exit 0 with nothing on stderr. Returns that JSON.
 */
export function runWithTinyModel<T>(body: string, timeoutMs: number): T {
  const script = `
    const { ModelManager } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'))});
    (async () => {
      const model = await new ModelManager({ modelsDir: ${JSON.stringify(makeTinyModelsDir())}, device: 'cpu', threads: 1 }).getModel();
      ${body}
    })().catch((e) => { console.error(e); process.exit(3); });`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: timeoutMs });
  expect(run.signal, run.stderr).toBeNull(); // stderr says why a child died
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout.trim()) as T;
}
