import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// @ts-expect-error plain JS helper
import { repoRoot } from '../helpers/environment.mjs';

// The addon as the package finds it: the local build, else the prebuild (test/cli/package.test.ts
// may have replaced build/ with a prebuildify run by the time this file runs).
const root = repoRoot as string;
const loadAddon = `const fs = require('fs'); const local = ${JSON.stringify(join(root, 'build', 'Release', 'kokoro_native.node'))};` +
  `const addon = fs.existsSync(local) ? require(local) : require('node-gyp-build')(${JSON.stringify(root)});`;

/** The allocator line runtimeInfo() reports in a fresh process with `env` added. */
function allocatorIn(env: Record<string, string>): string {
  const run = spawnSync(process.execPath, ['-e', `${loadAddon} console.log(addon.runtimeInfo().allocator)`], {
    env: { ...process.env, KOKORO_MALLOC_TUNING: '', MALLOC_MMAP_THRESHOLD_: '', ...env }, encoding: 'utf8', cwd: root,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim();
}

describe('malloc settings applied when the addon loads', () => {
  it('leaves glibc alone by default (the tuning costs speed)', () => {
    expect(allocatorIn({})).toBe('glibc defaults (KOKORO_MALLOC_TUNING=1 bounds memory)');
  });

  it('fixes glibc\'s mmap threshold and bounds its arenas with KOKORO_MALLOC_TUNING=1', () => {
    const line = allocatorIn({ KOKORO_MALLOC_TUNING: '1' });
    expect(line).toContain('mmap threshold 256 KiB');
    expect(line).toContain('at most 2 arenas');
  });

  it('leaves glibc alone with KOKORO_MALLOC_TUNING=0', () => {
    expect(allocatorIn({ KOKORO_MALLOC_TUNING: '0' })).toBe('glibc defaults (KOKORO_MALLOC_TUNING=1 bounds memory)');
  });

  it("keeps a setting the user gave glibc through its own variable", () => {
    const line = allocatorIn({ KOKORO_MALLOC_TUNING: '1', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(line).not.toContain('mmap threshold');
    expect(line).toContain('at most 2 arenas');
  });
});
