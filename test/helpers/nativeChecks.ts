import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'vitest';

// @ts-expect-error plain JS helper
import { repoRoot } from './environment.mjs';

/**
 * A native check binary built from parts of native/core that need no libtorch (harness:
 * test/native/checkMain.h), compiled with the system compiler: `build()` in a beforeAll,
 * `run(name)` per test, `remove()` in an afterAll.
 */
export function nativeChecks(name: string, sources: string[]) {
  const root = repoRoot as string;
  const work = mkdtempSync(join(tmpdir(), `kokoro-${name}-`));
  const binary = join(work, name);
  return {
    build() {
      const compiler = process.env.CXX ?? 'g++';
      const compile = spawnSync(compiler, [
        '-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-pthread', `-I${join(root, 'native')}`,
        ...sources.map((source) => join(root, source)), '-o', binary,
      ], { encoding: 'utf8' });
      expect(compile.status, compile.stderr).toBe(0);
    },
    run(check: string) {
      const run = spawnSync(binary, [check], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    },
    remove() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
