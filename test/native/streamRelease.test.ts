import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

// The producer releases its ThreadSafeFunction once the last chunk is queued; a consumer that
// drains buffered chunks afterwards calls ref()/unref() on the stream. Freed memory is only
// noticed reliably when glibc poisons it (the access is inside Node's uninstrumented libuv).
const poisonedHeap = { MALLOC_PERTURB_: '254', GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0' };

describe.skipIf(!hasShared)('stream handle after its producer finished', () => {
  it('a slow consumer drains every chunk without touching the released thread-safe function', () => {
    const script = `
      const { ModelManager } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'))});
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      (async () => {
        const model = await new ModelManager({ modelsDir: ${JSON.stringify(makeTinyModelsDir())}, device: 'cpu', threads: 1 }).getModel();
        let chunks = 0;
        for (let round = 0; round < 3; round++) {
          const stream = model.generate('One. Two. Three.', { voice: 'af_heart', lang: 'a', seed: 1 });
          for await (const chunk of stream) {
            chunks += 1;
            await sleep(150); // the producer finishes and releases while we wait
            global.gc();
          }
        }
        console.log('ok ' + chunks);
      })().catch((e) => { console.error(e); process.exit(3); });`;
    const run = spawnSync(process.execPath, ['--expose-gc', '-e', script], {
      encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...poisonedHeap },
    });
    // The child's stderr in the message: a signal with nothing else to go on cannot be diagnosed.
    expect(run.signal, run.stderr).toBeNull();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('ok 9');
  });
});
