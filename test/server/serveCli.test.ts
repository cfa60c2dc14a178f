import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// @ts-expect-error plain JS helper
import { repoRoot } from '../helpers/environment.mjs';
import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

const cli = join(repoRoot as string, 'bin', 'kokoro-native.js');

describe('serve, worker and enqueue on the command line', () => {
  it('document their options and refuse wrong usage with exit code 2', () => {
    for (const command of ['serve', 'worker', 'enqueue']) {
      const help = spawnSync(process.execPath, [cli, command, '--help'], { encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`kokoro-native ${command}`);
    }
    const noRedis = spawnSync(process.execPath, [cli, 'worker', '--queue', 'q'], { encoding: 'utf8' });
    expect(noRedis.status).toBe(2);
    expect(noRedis.stderr).toContain('--redis is required');
    const badPort = spawnSync(process.execPath, [cli, 'serve', '--port', 'eighty'], { encoding: 'utf8' });
    expect(badPort.status).toBe(2);
  });

  it.skipIf(!hasShared)('serve answers, and SIGTERM shuts it down gracefully with exit code 0', async () => {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--models-dir', makeTinyModelsDir(), '--threads', '1', '--api-key', 'k'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        const address = /listening on (\S+)/.exec(log)?.[1];
        if (address && log.includes('ready')) resolve(address);
      });
      child.once('exit', () => reject(new Error(log)));
    });
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    const speech = await fetch(`${url}/v1/audio/speech`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ input: 'From the command line.', voice: 'af_heart', response_format: 'wav' }) });
    expect(speech.status).toBe(200);
    await speech.arrayBuffer();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toContain('SIGTERM: shutting down');
  });
});
