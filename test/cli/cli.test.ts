import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ModelManager, runtimeInfo } from '../../lib/index.js';
import { hasShared, realVoicesDir, tinyConfig, tinyWeights } from '../helpers/fixtures.js';
import { fileFrom, startHubServer, type HubServer } from '../helpers/hubServer.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

const cli = join(__dirname, '..', '..', 'bin', 'kokoro-native.js');

function run(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input: options.input ?? '', env: { ...process.env, ...options.env }, maxBuffer: 64 << 20,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** Like run(), without blocking the event loop (for tests whose server lives in this process). */
function runAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function parseWav(bytes: Buffer) {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  return {
    format: bytes.readUInt16LE(20), channels: bytes.readUInt16LE(22), rate: bytes.readUInt32LE(24),
    bits: bytes.readUInt16LE(34), dataBytes: bytes.readUInt32LE(40), riffBytes: bytes.readUInt32LE(4),
  };
}

describe('CLI without a model', () => {
  it('prints help for every command and exits 0', () => {
    for (const command of [[], ['--help'], ['say', '--help'], ['voices', '--help'], ['phonemize', '--help'], ['download', '--help'], ['info', '--help']]) {
      const { code, stdout } = run(command);
      expect(code).toBe(0);
      expect(stdout.toString()).toContain('Usage');
    }
  });

  it('reports wrong usage with exit code 2', () => {
    expect(run(['dance']).code).toBe(2);
    const { code, stderr } = run(['say', '--speed']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    const threads = run(['say', 'Hi', '--threads', 'many']);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain("--threads must be a positive integer or 'adaptive'");
  });

  it('phonemizes text and prints runtime info', () => {
    const { code, stdout } = run(['phonemize', 'Hello world', '--lang', 'en-us']);
    expect(code).toBe(0);
    expect(stdout.toString().trim()).toBe('həlˈO wˈɜɹld');
    const info = run(['info', '--models-dir', '/nonexistent']);
    expect(info.code).toBe(0);
    expect(info.stdout.toString()).toMatch(new RegExp(`libtorch\\s+${runtimeInfo().torchVersion.replace(/\./g, '\\.')}\n`));
    expect(info.stdout.toString()).toContain('not downloaded');
  });
});

describe.skipIf(!hasShared)('CLI with the tiny model', () => {
  const modelsDir = makeTinyModelsDir();
  const scratch = mkdtempSync(join(tmpdir(), 'kokoro-cli-'));
  let hub: HubServer;
  beforeAll(async () => {
    hub = await startHubServer('hexgrad/Kokoro-82M', [
      fileFrom('config.json', tinyConfig, false), fileFrom('kokoro-v1_0.pth', tinyWeights),
      fileFrom('voices/af_heart.pt', join(realVoicesDir, 'af_heart.pt')),
    ]);
  });
  afterAll(() => hub?.close());

  it('say writes a valid WAV whose length matches the predicted durations', async () => {
    const out = join(scratch, 'hello.wav');
    const text = 'Hello world. This is the second sentence.';
    const { code, stderr } = run(['say', text, '-o', out, '--models-dir', modelsDir, '--seed', '7', '--device', 'cpu', '--threads', 'adaptive']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const bytes = readFileSync(out);
    const wav = parseWav(bytes);
    expect(wav).toMatchObject({ format: 1, channels: 1, rate: 24000, bits: 16 });
    expect(wav.dataBytes).toBe(bytes.length - 44);
    expect(wav.riffBytes).toBe(bytes.length - 8);
    const manager = new ModelManager({ modelsDir, device: 'cpu' });
    let frames = 0;
    for await (const chunk of (await manager.getModel()).generate(text, { voice: 'af_heart', lang: 'a', seed: 7 })) {
      frames += chunk.durations.reduce((a, b) => a + b, 0);
    }
    await manager.dispose();
    expect(wav.dataBytes / 2).toBe(frames * 600);
  });

  it('streams WAV or raw PCM to stdout in a pipe, text from stdin', () => {
    const wav = run(['say', '--models-dir', modelsDir, '--seed', '1'], { input: 'Piped text.' });
    expect(wav.code).toBe(0);
    const header = parseWav(wav.stdout);
    expect(header.dataBytes).toBe(0xffffffff - 36);
    const raw = run(['say', 'Piped text.', '--models-dir', modelsDir, '--seed', '1', '--raw']);
    expect(raw.stdout.length).toBe(wav.stdout.length - 44);
    expect(raw.stdout.equals(wav.stdout.subarray(44))).toBe(true);
    const float = run(['say', 'Piped text.', '--models-dir', modelsDir, '--seed', '1', '--raw', '--format', 'float32']);
    expect(float.stdout.length).toBe(raw.stdout.length * 2);
  });

  it('speaks a phoneme string with --phonemes', () => {
    const { code, stdout } = run(['say', 'həlˈO', '--phonemes', '--models-dir', modelsDir, '--raw']);
    expect(code).toBe(0);
    expect(stdout.length % 1200).toBe(0);
  });

  it('gives a one-line actionable error and exit 1 for a bad voice, language or missing model', () => {
    const badVoice = run(['say', 'Hi.', '--voice', 'zz_nobody', '--models-dir', modelsDir, '-o', join(scratch, 'x.wav')]);
    expect(badVoice.code).toBe(1);
    expect(badVoice.stderr.trim().split('\n')).toHaveLength(1);
    expect(badVoice.stderr).toContain('KOKORO_VOICE_NOT_FOUND');
    const badLang = run(['say', 'Hi.', '--lang', 'xx', '--models-dir', modelsDir, '-o', join(scratch, 'x.wav')]);
    expect(badLang.code).toBe(1);
    expect(badLang.stderr).toContain('KOKORO_UNSUPPORTED_LANGUAGE');
    const missing = run(['say', 'Hi.', '--models-dir', join(scratch, 'empty'), '-o', join(scratch, 'x.wav')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('kokoro-native download v1.0');
  });

  it('lists voices with language and gender', () => {
    const { code, stdout } = run(['voices', '--models-dir', modelsDir, '--lang', 'b']);
    expect(code).toBe(0);
    expect(stdout.toString()).toMatch(/bf_emma\s+British English\s+female/);
    expect(stdout.toString()).not.toContain('af_heart');
  });

  it('download then say just works with the default cache (XDG_CACHE_HOME)', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kokoro-cache-'));
    const env = { XDG_CACHE_HOME: cache, HF_ENDPOINT: hub.endpoint, KOKORO_MODELS_DIR: '' };
    const download = await runAsync(['download', 'v1.0', '--voices', 'af_heart'], env);
    expect(download.code, download.stderr).toBe(0);
    expect(existsSync(join(cache, 'kokoro-native', 'v1_0', 'kokoro-v1_0.pth'))).toBe(true);
    const out = join(scratch, 'cached.wav');
    const say = run(['say', 'From the cache.', '-o', out], { env });
    expect(say.code).toBe(0);
    expect(parseWav(readFileSync(out)).dataBytes).toBeGreaterThan(0);
  });
});
