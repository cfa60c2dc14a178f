import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

// exit() runs libtorch's and oneDNN's static destructors; an executor thread still inside a
// pass then crashed the process on its way out (SIGSEGV in 8 of 8 runs of the first script
// below before the 'exit' listener stopped the executors).
const dist = JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'));
const text = JSON.stringify('The morning train left the station a little after seven, carrying commuters into the city. '.repeat(20));

// Under the sanitizer run (ASAN_OPTIONS set) the children keep every memory-error check but skip
// the leak check at exit: process.exit() abandons the in-flight requests' memory by design, and
// LeakSanitizer scanning that process took a child from 4 s to ~140 s.
function childEnvironment(): NodeJS.ProcessEnv {
  const asan = process.env.ASAN_OPTIONS;
  return asan === undefined ? process.env : { ...process.env, ASAN_OPTIONS: `${asan}:detect_leaks=0` };
}

function runScript(body: string) {
  const script = `
    const { ModelManager } = require(${dist});
    (async () => {
      const manager = new ModelManager({ modelsDir: ${JSON.stringify(makeTinyModelsDir())}, device: 'cpu' });
      const model = await manager.getModel();
      ${body}
    })().catch((e) => { console.error(e); process.exit(3); });`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000, env: childEnvironment() });
}

describe.skipIf(!hasShared)('process exit with inferences in flight', () => {
  it('process.exit() while streams and infer() calls run exits cleanly', () => {
    for (let round = 0; round < 3; round++) {
      const run = runScript(`
        let exiting = false;
        for (let i = 0; i < 6; i++) {
          (async () => {
            for await (const chunk of model.generate(${text}, { voice: 'af_heart', lang: 'a', seed: i })) {
              if (!exiting) { exiting = true; setTimeout(() => process.exit(0), 5 * i); }
            }
          })().catch(() => {});
          model.synthesize(${text}.slice(0, 300), { voice: 'af_heart', lang: 'a', seed: i }).catch(() => {});
        }`);
      expect(run.signal, run.stderr).toBeNull();
      expect(run.status, run.stderr).toBe(0);
    }
  });

  it('the script ending while abandoned streams still run, after dispose, exits cleanly', () => {
    const run = runScript(`
      await Promise.all(Array.from({ length: 6 }, async (_, i) => {
        for await (const chunk of model.generate(${text}, { voice: 'af_heart', lang: 'a', seed: i })) break;
      }));
      await manager.dispose();
      console.log('done');`);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('done');
  });
});
