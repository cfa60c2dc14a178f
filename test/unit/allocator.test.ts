import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// @ts-expect-error plain JS builders shared with the fuzz corpus
import { voicePack } from '../fuzz/torchFiles.mjs';
// @ts-expect-error plain JS helper
import { repoRoot } from '../helpers/environment.mjs';

// The addon as the package finds it: the local build, else the prebuild (test/cli/package.test.ts
// may have replaced build/ with a prebuildify run by the time this file runs).
const root = repoRoot as string;
const loadAddon = `const fs = require('fs'); const local = ${JSON.stringify(join(root, 'build', 'Release', 'kokoro_native.node'))};` +
  `const addon = fs.existsSync(local) ? require(local) : require('node-gyp-build')(${JSON.stringify(root)});`;

const cleanEnv = { KOKORO_MALLOC_TUNING: '', MALLOC_MMAP_THRESHOLD_: '', KOKORO_TENSOR_POOL: '', KOKORO_TENSOR_POOL_MIB: '' };

/** What `script` (run after the addon is loaded as `addon`) prints in a fresh process with `env` added. */
function runWithAddon(script: string, env: Record<string, string>): string {
  const run = spawnSync(process.execPath, ['-e', `${loadAddon} ${script}`], {
    env: { ...process.env, ...cleanEnv, ...env }, encoding: 'utf8', cwd: root,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim();
}

/** The allocator line runtimeInfo() reports in a fresh process with `env` added. */
function allocatorIn(env: Record<string, string>): string {
  return runWithAddon('console.log(addon.runtimeInfo().allocator)', env);
}

const POOL = 'tensor pool (blocks >= 128 KiB, cache <= 256 MiB), ';
const FIXED = 'glibc, mmap threshold fixed at 128 KiB';

describe('tensor pool installed when the addon loads', () => {
  it('pools large CPU tensors by default, with a 256 MiB cache, and stops glibc\'s mmap threshold from climbing', () => {
    expect(allocatorIn({})).toBe(`${POOL}${FIXED}`);
  });

  it('takes its cache bound from KOKORO_TENSOR_POOL_MIB, ignoring a value that is not a whole number', () => {
    expect(allocatorIn({ KOKORO_TENSOR_POOL_MIB: '64' })).toBe(`tensor pool (blocks >= 128 KiB, cache <= 64 MiB), ${FIXED}`);
    expect(allocatorIn({ KOKORO_TENSOR_POOL_MIB: 'lots' })).toBe(`${POOL}${FIXED}`);
  });

  it('is off with KOKORO_TENSOR_POOL=0', () => {
    expect(allocatorIn({ KOKORO_TENSOR_POOL: '0' })).toBe('glibc defaults');
    expect(runWithAddon('console.log(JSON.stringify(addon.runtimeInfo().tensorPool))', { KOKORO_TENSOR_POOL: '0' })).toBe('null');
  });

  it('serves libtorch\'s large CPU tensors, reuses them and keeps no more than its bound', () => {
    // A 2 MiB voice pack read five times: each read makes a libtorch tensor, copies and frees it.
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-pool-'));
    const voice = JSON.stringify(join(dir, 'big.pt'));
    writeFileSync(join(dir, 'big.pt'), voicePack(2048));
    const script = `(async () => {
      for (let i = 0; i < 5; i++) await addon.readVoicePack(${voice});
      console.log(JSON.stringify(addon.runtimeInfo().tensorPool));
    })()`;
    const pool = JSON.parse(runWithAddon(script, { KOKORO_TENSOR_POOL_MIB: '1' })) as Record<string, number>;
    expect(pool.cacheLimitBytes).toBe(2 ** 20);
    expect(pool.maps).toBeGreaterThan(0);
    expect(pool.cachedBytes).toBeLessThanOrEqual(2 ** 20);
    const roomy = JSON.parse(runWithAddon(script, {})) as Record<string, number>;
    expect(roomy.reuses).toBeGreaterThanOrEqual(4);
    expect(roomy.liveBytes).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('malloc settings applied when the addon loads', () => {
  it('leaves glibc alone without the pool (a fixed threshold would map every activation afresh)', () => {
    expect(allocatorIn({ KOKORO_TENSOR_POOL: '0' })).toBe('glibc defaults');
  });

  it('fixes glibc\'s mmap threshold and bounds its arenas with KOKORO_MALLOC_TUNING=1', () => {
    const line = allocatorIn({ KOKORO_MALLOC_TUNING: '1' });
    expect(line).toContain('mmap threshold 256 KiB');
    expect(line).toContain('at most 2 arenas');
  });

  it('leaves glibc alone with KOKORO_MALLOC_TUNING=0', () => {
    expect(allocatorIn({ KOKORO_MALLOC_TUNING: '0' })).toBe(`${POOL}glibc defaults`);
  });

  it("keeps a setting the user gave glibc through its own variable", () => {
    const line = allocatorIn({ KOKORO_MALLOC_TUNING: '1', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(line).not.toContain('mmap threshold');
    expect(line).toContain('at most 2 arenas');
    expect(allocatorIn({ MALLOC_MMAP_THRESHOLD_: '524288' })).toBe(`${POOL}glibc defaults`);
  });
});
