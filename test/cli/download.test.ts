import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { downloadModel } from '../../lib/download.js';
import { ErrorCode, KokoroError } from '../../lib/index.js';
import { hasShared, realVoicesDir, tinyConfig, tinyWeights } from '../helpers/fixtures.js';
import { fileFrom, startHubServer, type HubServer } from '../helpers/hubServer.js';

describe.skipIf(!hasShared)('model download (local hub on loopback)', () => {
  let hub: HubServer;
  beforeAll(async () => {
    hub = await startHubServer('hexgrad/Kokoro-82M', [
      fileFrom('config.json', tinyConfig, false),
      fileFrom('kokoro-v1_0.pth', tinyWeights),
      fileFrom('voices/af_heart.pt', join(realVoicesDir, 'af_heart.pt')),
      fileFrom('voices/bf_emma.pt', join(realVoicesDir, 'bf_emma.pt')),
      fileFrom('voices/jf_alpha.pt', join(realVoicesDir, 'jf_alpha.pt')),
    ]);
  });
  afterAll(() => hub?.close());

  it('fetches config, checkpoint and the named voices into the models folder layout', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'kokoro-dl-'));
    const progress: number[] = [];
    const result = await downloadModel({ modelsDir, endpoint: hub.endpoint, voices: ['af_heart', 'bf_emma'], onProgress: (p) => progress.push(p.received) });
    expect(result.dir).toBe(join(modelsDir, 'v1_0'));
    expect(readFileSync(join(result.dir, 'kokoro-v1_0.pth')).equals(readFileSync(tinyWeights))).toBe(true);
    expect(existsSync(join(result.dir, 'voices', 'af_heart.pt'))).toBe(true);
    expect(existsSync(join(result.dir, 'voices', 'jf_alpha.pt'))).toBe(false);
    expect(progress.length).toBeGreaterThan(0);
    // A second run downloads nothing.
    const before = hub.log.length;
    await downloadModel({ modelsDir, endpoint: hub.endpoint, voices: ['af_heart', 'bf_emma'] });
    expect(hub.log.slice(before).filter((l) => l.includes('/resolve/'))).toEqual([]);
  });

  it('resumes a file whose connection dropped mid-way, with a range request', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'kokoro-dl-'));
    hub.dropAfter.set('kokoro-v1_0.pth', 3_000_000);
    const result = await downloadModel({ modelsDir, endpoint: hub.endpoint, voices: ['af_heart'] });
    expect(readFileSync(join(result.dir, 'kokoro-v1_0.pth')).equals(readFileSync(tinyWeights))).toBe(true);
    // The resume point is however much reached the disk before the drop was seen: at most the
    // 3,000,000 bytes the hub sent, and more than nothing.
    const resumedAt = hub.log
      .filter((l) => l.includes('kokoro-v1_0.pth'))
      .map((l) => /bytes=(\d+)-$/.exec(l)?.[1])
      .filter((offset): offset is string => offset !== undefined)
      .map(Number);
    expect(resumedAt).toHaveLength(1);
    expect(resumedAt[0]).toBeGreaterThan(0);
    expect(resumedAt[0]).toBeLessThanOrEqual(3_000_000);
    expect(existsSync(join(result.dir, 'kokoro-v1_0.pth.part'))).toBe(false);
  });

  it('rejects a corrupted file (sha256) and leaves no file in place', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'kokoro-dl-'));
    hub.corrupt.add('voices/bf_emma.pt');
    try {
      const error = await downloadModel({ modelsDir, endpoint: hub.endpoint, voices: ['bf_emma'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KokoroError);
      expect((error as KokoroError).code).toBe(ErrorCode.DownloadFailed);
      expect((error as KokoroError).message).toContain('integrity');
      expect(existsSync(join(modelsDir, 'v1_0', 'voices', 'bf_emma.pt'))).toBe(false);
    } finally {
      hub.corrupt.delete('voices/bf_emma.pt');
    }
  });

  it('names unknown voices, and works offline from the cache only', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'kokoro-dl-'));
    await expect(downloadModel({ modelsDir, endpoint: hub.endpoint, voices: ['xx_none'] }))
      .rejects.toMatchObject({ code: ErrorCode.VoiceNotFound });
    await expect(downloadModel({ modelsDir, offline: true, voices: ['af_heart'] }))
      .rejects.toMatchObject({ code: ErrorCode.FileNotFound });
    await downloadModel({ modelsDir, endpoint: hub.endpoint, voices: ['af_heart'] });
    const requests = hub.log.length;
    const cached = await downloadModel({ modelsDir, offline: true, voices: ['af_heart'], endpoint: 'http://127.0.0.1:9' });
    expect(cached.files.length).toBe(3);
    expect(hub.log.length).toBe(requests);
  });

  it('reads HF_ENDPOINT', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'kokoro-dl-'));
    const saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = hub.endpoint;
    try {
      await downloadModel({ modelsDir, voices: ['jf_alpha'] });
      expect(existsSync(join(modelsDir, 'v1_0', 'voices', 'jf_alpha.pt'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT; else process.env.HF_ENDPOINT = saved;
    }
  });
});
