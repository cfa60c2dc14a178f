import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

const cli = join(__dirname, '..', '..', 'bin', 'kokoro-native.js');

function run(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { env: process.env, maxBuffer: 64 << 20 });
  return { code: result.status, stderr: result.stderr.toString('utf8') };
}

const lines = [
  { id: 'one', text: 'Hello there. How are you today?', voice: 'af_heart', lang: 'a', speed: 1 },
  { id: 'two', text: 'A second line, spoken a little faster.', voice: 'bf_emma', lang: 'b', speed: 1.2 },
  'this is not json',
  { id: 'bad/id', text: 'Ids name files.' },
  { id: 'three', text: 'Numbers like 42 are fine.', voice: 'no_such_voice' },
  { id: 4, text: 'Numeric ids work.' },
];

describe.skipIf(!hasShared)('kokoro-native batch', () => {
  it('writes one WAV per good line, reports each bad line, exits 1, and resumes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-batch-'));
    const input = join(dir, 'input.jsonl');
    writeFileSync(input, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
    const out = join(dir, 'out');
    const args = ['batch', input, '--out', out, '--models-dir', makeTinyModelsDir(), '--device', 'cpu', '--threads', '1'];

    const first = run(args);
    expect(first.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['4.wav', 'one.wav', 'two.wav']);
    for (const name of ['one', 'two', '4']) {
      const wav = readFileSync(join(out, `${name}.wav`));
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.readUInt32LE(40)).toBe(wav.length - 44);  // complete: sizes written
      expect(wav.length).toBeGreaterThan(44 + 2 * 2400);
    }
    expect(first.stderr).toMatch(/line 3 failed: .*KOKORO_INVALID_ARGUMENT/);
    expect(first.stderr).toMatch(/line 4 failed: id must be/);
    expect(first.stderr).toMatch(/line 5 \(id three\) failed: .*KOKORO_VOICE_NOT_FOUND/);
    expect(first.stderr).toMatch(/3 written, 0 skipped, 3 failed/);
    expect(first.stderr).toMatch(/realtime/);

    // Resume: finished ids are skipped and their files left alone.
    const before = statSync(join(out, 'one.wav')).mtimeMs;
    const second = run(args);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/0 written, 3 skipped, 3 failed/);
    expect(statSync(join(out, 'one.wav')).mtimeMs).toBe(before);
    expect(existsSync(join(out, 'one.wav.partial'))).toBe(false);
  });

  it('exits 0 when every line succeeds and 2 without --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-batch-'));
    const input = join(dir, 'input.jsonl');
    writeFileSync(input, `${JSON.stringify({ id: 'a', text: 'Fine.' })}\n\n`);
    expect(run(['batch', input]).code).toBe(2);
    const ok = run(['batch', input, '--out', join(dir, 'out'), '--models-dir', makeTinyModelsDir(), '--device', 'cpu', '--threads', '1']);
    expect(ok.code).toBe(0);
    expect(existsSync(join(dir, 'out', 'a.wav'))).toBe(true);
  });
});
