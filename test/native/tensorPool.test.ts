import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// @ts-expect-error plain JS helper
import { repoRoot } from '../helpers/environment.mjs';

// TensorPool (native/core/TensorPool.cc) has no libtorch dependency: its checks
// (tensorPoolChecks.cc) are compiled here with the system compiler and run one per test.
const root = repoRoot as string;
const work = mkdtempSync(join(tmpdir(), 'kokoro-tensor-pool-'));
const binary = join(work, 'tensor-pool-checks');

function runCheck(name: string) {
  const run = spawnSync(binary, [name], { encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
}

describe('TensorPool, the bounded cache of large tensor blocks', () => {
  beforeAll(() => {
    const compiler = process.env.CXX ?? 'g++';
    const build = spawnSync(compiler, [
      '-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-pthread', `-I${join(root, 'native')}`,
      join(root, 'test', 'native', 'tensorPoolChecks.cc'), join(root, 'native', 'core', 'TensorPool.cc'), '-o', binary,
    ], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('rounds requests to size classes of whole pages, at most a quarter larger', () => runCheck('size-classes'));
  it('reuses a freed block for the next request of its class, without zeroing it again', () => runCheck('reuse'));
  it('keeps at most its bound of freed blocks and unmaps the longest-unused ones', () => runCheck('bound'));
  it('gives released and trimmed memory back to the system (RSS falls)', () => runCheck('returned'));
  it('hands out 64-byte (page) aligned blocks', () => runCheck('alignment'));
  it('a miss past the peak of live memory gives up cached blocks, longest unused first, resizing one into the new block', () => runCheck('miss-gives-back'));
  it('a miss below the peak of live memory keeps the cache', () => runCheck('miss-below-peak'));
  it('stays consistent when threads allocate and free each other\'s blocks', () => runCheck('threads'));
});
