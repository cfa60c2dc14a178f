import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

describe.skipIf(!hasShared)('stream lifecycle in a real process', () => {
  it('survives garbage collection of a dropped stream and exits cleanly with a stream still open', () => {
    const script = `
      const { ModelManager } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'))});
      const text = Array.from({ length: 50 }, (_, i) => 'Sentence ' + i + '.').join(' ');
      (async () => {
        const model = await new ModelManager({ modelsDir: ${JSON.stringify(makeTinyModelsDir())}, device: 'cpu', threads: 1 }).getModel();
        let dropped = model.generate(text, { voice: 'af_heart', lang: 'a' });
        await dropped.next();
        dropped = null;
        for (let i = 0; i < 3; i++) { global.gc(); await new Promise((r) => setTimeout(r, 300)); }
        const audio = await model.synthesize('Still working.', { voice: 'af_heart', lang: 'a' });
        const open = model.generate(text, { voice: 'af_heart', lang: 'a' });
        await open.next();
        console.log('ok ' + audio.length);
      })();`;
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ok \d+/);
    // The open stream neither keeps the process alive nor delays its exit for long.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
