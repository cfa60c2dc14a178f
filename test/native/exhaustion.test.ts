import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

// Resource exhaustion inside a native entry point (libtorch's allocator, std::thread) must reach
// JavaScript as a typed error; an exception escaping a Node-API callback aborts the process.
// The child caps its own address space (prlimit) a little above what it already uses.
function runCapped(body: string, stackKb?: number) {
  const script = `
    const { spawnSync } = require('node:child_process');
    const { readFileSync } = require('node:fs');
    const { ModelManager } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'))});
    const capAddressSpace = (headroomBytes) => {
      const kb = Number(/VmSize:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
      const capped = spawnSync('prlimit', ['--pid', String(process.pid), '--as=' + (kb * 1024 + headroomBytes)]);
      if (capped.status !== 0) throw new Error('prlimit failed: ' + capped.stderr);
    };
    (async () => {
      const model = await new ModelManager({ modelsDir: ${JSON.stringify(makeTinyModelsDir())}, device: 'cpu', threads: 1 }).getModel();
      ${body}
    })().catch((e) => { console.error('unexpected', e); process.exit(3); });`;
  // glibc sizes every new thread's stack from RLIMIT_STACK: with a large one, an address-space
  // cap runs out of room for threads long before it runs out of room for anything else.
  // OpenBLAS (which exits when it cannot start its own threads) is kept single-threaded.
  const command = `${stackKb ? `ulimit -s ${stackKb}; ` : ''}exec "$0" -e "$1"`;
  return spawnSync('bash', ['-c', command, process.execPath, script], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
}

describe.skipIf(!hasShared)('native entry points under resource exhaustion', () => {
  it('a voice too big to copy under an address-space limit is a typed error, and the process lives on', () => {
    const run = runCapped(`
      const voice = new Float32Array(64 * 1024 * 1024).fill(0.01);
      capAddressSpace(96 * 1024 * 1024);
      const outcome = await model.kmodel.infer('hˈɛlO', voice).then(() => 'audio', (e) => e.code);
      console.log('outcome ' + outcome);`);
    expect(run.signal).toBeNull();
    expect(run.stdout).toMatch(/outcome KOKORO_RESOURCE_EXHAUSTED/);
    expect(run.status).toBe(0);
  });

  it('streams that cannot get a thread fail typed, and the others still finish', () => {
    const run = runCapped(`
      for await (const chunk of model.generate('Warm up.', { voice: 'af_heart', lang: 'a', seed: 1 }));
      capAddressSpace(2600 * 1024 * 1024);
      const codes = {};
      const streams = [];
      for (let i = 0; i < 200; i++) {
        try {
          streams.push(model.generate('Hi.', { voice: 'af_heart', lang: 'a', seed: 1 }));
        } catch (e) { codes[e.code] = (codes[e.code] ?? 0) + 1; }
      }
      const results = await Promise.all(streams.map(async (s) => {
        try { let n = 0; for await (const c of s) n += c.audio.length; return 'audio'; } catch (e) { return e.code; }
      }));
      for (const r of results) codes[r] = (codes[r] ?? 0) + 1;
      console.log('outcome ' + JSON.stringify(codes));`, 1024 * 1024);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const codes = JSON.parse(/outcome (.*)/.exec(run.stdout)![1]!) as Record<string, number>;
    expect(Object.values(codes).reduce((a, b) => a + b, 0)).toBe(200);
    expect(Object.keys(codes).every((c) => c === 'audio' || c === 'KOKORO_RESOURCE_EXHAUSTED')).toBe(true);
    expect(codes.KOKORO_RESOURCE_EXHAUSTED).toBeGreaterThan(0);
  });
});
