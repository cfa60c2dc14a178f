import { availableParallelism } from 'node:os';

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createServer, type KokoroModel, type KokoroServer, type ModelManager } from '../../lib/index.js';
import { decodedSeconds, hasFfmpeg, magicOf } from '../helpers/audio.js';
import { hasShared } from '../helpers/fixtures.js';
import { eventually, metric, sentences, startServer, tinyModel } from '../helpers/server.js';

const TEXT = 'Hello there. This is the speech server speaking. It streams every sentence.';
const FORMATS = ['wav', 'pcm', 'mp3', 'opus', 'aac', 'flac'] as const;

function client(url: string, apiKey = 'unused') {
  return new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
}

async function speech(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${url}/v1/audio/speech`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Makes sure the server still answers a normal request. */
async function stillServes(url: string, headers: Record<string, string> = {}) {
  const response = await speech(url, { input: 'Still here.', voice: 'af_heart', response_format: 'wav' }, headers);
  expect(response.status).toBe(200);
  expect(magicOf(Buffer.from(await response.arrayBuffer()))).toBe('wav');
}

/** Like stillServes, for a server whose timeout is too short for a full sentence on a busy machine. */
async function stillServesWithin(url: string) {
  const response = await speech(url, { input: 'Hi.', voice: 'af_heart', response_format: 'pcm' });
  expect([200, 504]).toContain(response.status);
  await response.arrayBuffer().catch(() => {}); // a 200 may still be cut by the deadline
  expect((await fetch(`${url}/v1/models`)).status).toBe(200);
}

async function expectError(promise: Promise<unknown>, status: number, code: string) {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe(code);
}

describe.skipIf(!hasShared)('speech server', () => {
  let manager: ModelManager;
  let shared: { model: KokoroModel; modelsDir: string };
  let server: KokoroServer;
  let url: string;

  beforeAll(async () => {
    ({ manager, ...shared } = await tinyModel());
    ({ server, url } = await startServer(shared));
  });
  afterAll(async () => {
    await server?.close();
    await manager?.dispose();
  });

  it('answers every response format with a file that decodes to the same duration', async () => {
    const openai = client(url);
    const seconds: Record<string, number> = {};
    for (const format of FORMATS) {
      if (!hasFfmpeg && !['wav', 'pcm'].includes(format)) continue;
      const response = await openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: TEXT, response_format: format });
      const bytes = Buffer.from(await response.arrayBuffer());
      if (format !== 'pcm') expect(magicOf(bytes)).toBe(format);
      seconds[format] = format === 'pcm' ? bytes.length / 48000 : hasFfmpeg ? decodedSeconds(bytes, format) : (bytes.length - 44) / 48000;
    }
    if (!hasFfmpeg) console.warn('[server test] ffmpeg missing: only wav and pcm checked (apt-get install ffmpeg)');
    expect(seconds.wav).toBeGreaterThan(1);
    // Durations are predicted, not sampled: every format carries the same audio, give or take encoder padding.
    for (const [format, s] of Object.entries(seconds)) expect(Math.abs(s - seconds.wav!), format).toBeLessThan(0.12);
  }, 600_000); // six syntheses and six ffmpeg runs: minutes on a busy 2-core machine

  it('streams: audio arrives in several chunks while synthesis is still running', async () => {
    const response = await client(url).audio.speech.create({ model: 'kokoro', voice: 'af_heart', input: sentences(40), response_format: 'pcm' });
    expect(response.headers.get('content-length')).toBeNull();
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    // The reader is behind: backpressure holds the synthesis, which has not finished.
    expect(await metric(url, 'kokoro_in_flight')).toBeGreaterThanOrEqual(1);
    let chunks = 1;
    let bytes = first.value!.length;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      bytes += value.length;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(bytes).toBeGreaterThan(40 * 48000 * 0.5);
    await eventually(async () => (await metric(url, 'kokoro_in_flight')) === 0);
  });

  it('stream: false answers one file with its length (a WAV with real sizes)', async () => {
    const response = await speech(url, { input: TEXT, voice: 'af_heart', response_format: 'wav', stream: false });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
  });

  it('a client that disconnects mid-stream stops the native work at once', async () => {
    const before = await metric(url, 'kokoro_cancelled_total', 'reason="client_disconnect"');
    const chunksBefore = await metric(url, 'kokoro_chunks_synthesized_total');
    const abort = new AbortController();
    const response = await client(url).audio.speech.create(
      { model: 'kokoro', voice: 'af_heart', input: sentences(200), response_format: 'wav' }, { signal: abort.signal });
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.cancel().catch(() => {});
    await eventually(async () => (await metric(url, 'kokoro_cancelled_total', 'reason="client_disconnect"')) === before + 1);
    await eventually(async () => (await metric(url, 'kokoro_in_flight')) === 0);
    const made = (await metric(url, 'kokoro_chunks_synthesized_total')) - chunksBefore;
    // 200 sentences asked; the model stopped within the few it keeps ahead of the socket.
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(60);
    await stillServes(url);
  });

  it('bad voice, language, format, model and speed are 400s with KOKORO_* codes, and it keeps serving', async () => {
    const openai = client(url);
    await expectError(openai.audio.speech.create({ model: 'tts-1', voice: 'nobody', input: 'Hi.' }), 400, 'KOKORO_VOICE_NOT_FOUND');
    await expectError(openai.audio.speech.create({ model: 'tts-1', voice: '../../../etc/passwd', input: 'Hi.' }), 400, 'KOKORO_VOICE_NOT_FOUND');
    await expectError(openai.audio.speech.create({ model: 'tts-1', voice: 'af_heart', input: 'Hi.', lang_code: 'klingon' } as never), 400, 'KOKORO_UNSUPPORTED_LANGUAGE');
    await expectError(openai.audio.speech.create({ model: 'tts-1', voice: 'af_heart', input: 'Hi.', response_format: 'ogg' as never }), 400, 'KOKORO_INVALID_ARGUMENT');
    await expectError(openai.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'af_heart', input: 'Hi.' }), 400, 'KOKORO_INVALID_ARGUMENT');
    await expectError(openai.audio.speech.create({ model: 'tts-1', voice: 'af_heart', input: 'Hi.', speed: 9 }), 400, 'KOKORO_INVALID_ARGUMENT');
    await expectError(openai.audio.speech.create({ model: 'tts-1', voice: 'af_heart', input: '   ' }), 400, 'KOKORO_INVALID_ARGUMENT');
    const raw = await speech(url, { input: 'Hi.', voice: 'nope' });
    expect(await raw.json()).toEqual({ error: { message: expect.stringContaining('nope'), type: 'invalid_request_error', code: 'KOKORO_VOICE_NOT_FOUND' } });
    await stillServes(url);
  });

  it('voices: OpenAI names, Kokoro names and weighted mixes; instructions and volume_multiplier accepted', async () => {
    for (const voice of ['nova', 'bf_emma', 'af_bella(2)+af_sky(1)', 'af_heart+onyx']) {
      const response = await speech(url, { input: 'Mixing voices.', voice, response_format: 'pcm', instructions: 'cheerful' });
      expect(response.status, voice).toBe(200);
    }
    const loud = Buffer.from(await (await speech(url, { input: 'Loud.', voice: 'af_heart', response_format: 'pcm', volume_multiplier: 0 })).arrayBuffer());
    expect(loud.length).toBeGreaterThan(0);
    expect(loud.every((b) => b === 0)).toBe(true);
  });

  it('lists models and voices, phonemizes, and times words', async () => {
    const models = await client(url).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['kokoro', 'tts-1', 'tts-1-hd']);
    const voices = await (await fetch(`${url}/v1/audio/voices`)).json() as { voices: string[]; openai_voices: Record<string, string> };
    expect(voices.voices).toContain('af_heart');
    expect(voices.openai_voices.alloy).toBe('af_alloy');
    const phonemes = await (await fetch(`${url}/v1/audio/phonemes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: 'Hello world', lang_code: 'en-us' }) })).json();
    expect(phonemes).toMatchObject({ phonemes: 'həlˈO wˈɜɹld', lang_code: 'a' });
    const captioned = await (await fetch(`${url}/v1/audio/captioned_speech`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'Hello world. Good day.', voice: 'af_heart', response_format: 'wav' }) })).json() as
      { audio: string; duration: number; timestamps: { word: string; start_time: number; end_time: number }[] };
    expect(captioned.timestamps.map((w) => w.word)).toEqual(['Hello', 'world.', 'Good', 'day.']);
    const audio = Buffer.from(captioned.audio, 'base64');
    expect(magicOf(audio)).toBe('wav');
    expect((audio.length - 44) / 48000).toBeCloseTo(captioned.duration, 3);
    for (let i = 1; i < 4; i++) expect(captioned.timestamps[i]!.start_time).toBeGreaterThanOrEqual(captioned.timestamps[i - 1]!.end_time);
    expect(captioned.timestamps[3]!.end_time).toBeLessThanOrEqual(captioned.duration);
  });

  it('health, readiness and Prometheus metrics', async () => {
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    for (const name of ['kokoro_http_requests_total', 'kokoro_queue_depth', 'kokoro_in_flight', 'kokoro_audio_seconds_total',
      'kokoro_realtime_factor_bucket', 'kokoro_time_to_first_byte_seconds_bucket', 'kokoro_request_duration_seconds_bucket']) {
      expect(text, name).toContain(name);
    }
    expect(await metric(url, 'kokoro_http_requests_total', 'route="/v1/audio/speech",status="200"')).toBeGreaterThan(3);
    expect(await metric(url, 'kokoro_audio_seconds_total')).toBeGreaterThan(5);
  });

  it('a missing encoder is a 501 naming the fix, and wav still works', async () => {
    const { server: noFfmpeg, url: other } = await startServer(shared, { ffmpegPath: '/nonexistent/ffmpeg' });
    try {
      const response = await speech(other, { input: 'Hi.', voice: 'af_heart', response_format: 'mp3' });
      expect(response.status).toBe(501);
      const body = await response.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('KOKORO_ENCODER_UNAVAILABLE');
      expect(body.error.message).toContain('apt-get install ffmpeg');
      await stillServes(other);
    } finally {
      await noFfmpeg.close();
    }
  });

  it('API keys: a missing or wrong key is 401, the right one works; health needs none', async () => {
    const { server: locked, url: other } = await startServer(shared, { apiKeys: ['sesame', 'other-key'] });
    try {
      await expectError(client(other, 'wrong').audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi.' }), 401, 'KOKORO_UNAUTHORIZED');
      const missing = await speech(other, { input: 'Hi.', voice: 'af_heart' });
      expect(missing.status).toBe(401);
      expect((await missing.json() as { error: { type: string } }).error.type).toBe('authentication_error');
      const ok = await client(other, 'sesame').audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi.', response_format: 'wav' });
      expect(magicOf(Buffer.from(await ok.arrayBuffer()))).toBe('wav');
      expect((await fetch(`${other}/health`)).status).toBe(200);
      await stillServes(other, { authorization: 'Bearer other-key' });
    } finally {
      await locked.close();
    }
  });

  it('limits: too long input and too large bodies are 413; beyond concurrency and queue, 429 with Retry-After', async () => {
    const { server: small, url: other } = await startServer(shared, { maxInputChars: 400, bodyLimitBytes: 4096, maxConcurrent: 1, maxQueue: 0 });
    try {
      await expectError(client(other).audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(401) }), 413, 'KOKORO_INPUT_TOO_LONG');
      const huge = await speech(other, { input: 'Hi.', voice: 'af_heart', padding: 'y'.repeat(5000) });
      expect(huge.status).toBe(413);
      expect((await huge.json() as { error: { code: string } }).error.code).toBe('KOKORO_PAYLOAD_TOO_LARGE');
      // One long stream holds the only slot (its reader is not reading).
      const abort = new AbortController();
      const holding = await fetch(`${other}/v1/audio/speech`, { method: 'POST', signal: abort.signal, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input: sentences(8), voice: 'af_heart', response_format: 'wav', speed: 0.25 }) });
      expect(holding.status).toBe(200);
      const refused = await speech(other, { input: 'Me too.', voice: 'af_heart' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await refused.json() as { error: { code: string; type: string } }).error).toMatchObject({ code: 'KOKORO_QUEUE_FULL', type: 'rate_limit_error' });
      expect((await fetch(`${other}/ready`)).status).toBe(503);
      abort.abort();
      await eventually(async () => (await metric(other, 'kokoro_in_flight')) === 0);
      await stillServes(other);
    } finally {
      await small.close();
    }
  });

  it('a request past its timeout is cancelled (counted), and the server goes on', async () => {
    const { server: hurried, url: other } = await startServer(shared, { requestTimeoutMs: 300 });
    try {
      const response = await speech(other, { input: sentences(200), voice: 'af_heart', response_format: 'wav' });
      // Past the deadline before the first chunk: a 504; after it: the stream (stalled by this
      // reader, who does not read) is cut. Either way the synthesis is cancelled.
      if (response.status !== 200) {
        expect(response.status).toBe(504);
        expect((await response.json() as { error: { code: string } }).error.code).toBe('KOKORO_TIMEOUT');
      }
      await eventually(async () => (await metric(other, 'kokoro_cancelled_total', 'reason="timeout"')) === 1);
      await response.body?.cancel().catch(() => {});
      await eventually(async () => (await metric(other, 'kokoro_in_flight')) === 0);
      await stillServesWithin(other);
    } finally {
      await hurried.close();
    }
  });

  it('on the CPU, a server loading its own model runs one executor per CPU with adaptive threads, unless threads is given', async () => {
    const cpus = Math.min(8, availableParallelism());
    for (const [threads, executors, perExecutor, adaptiveCores] of [[undefined, cpus, 0, availableParallelism()], [cpus, 1, cpus, 0]] as const) {
      const own = createServer({ modelsDir: shared.modelsDir, device: 'cpu', host: '127.0.0.1', port: 0, threads });
      const ownUrl = await own.listen();
      await own.whenReady();
      expect(await metric(ownUrl, 'kokoro_engine', 'stat="executors"')).toBe(executors);
      expect(await metric(ownUrl, 'kokoro_engine', 'stat="threadsPerExecutor"')).toBe(perExecutor);
      expect(await metric(ownUrl, 'kokoro_engine', 'stat="adaptiveCores"')).toBe(adaptiveCores);
      await own.close();
    }
  });

  it('close() (SIGTERM) stops accepting, cancels what outlives the deadline, and resolves', async () => {
    const { server: closing, url: other } = await startServer(shared, { shutdownTimeoutMs: 200 });
    const response = await speech(other, { input: sentences(200), voice: 'af_heart', response_format: 'wav' });
    expect(response.status).toBe(200);
    const started = Date.now();
    await closing.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await metric(url, 'kokoro_in_flight')).toBe(0);
    expect(closing.metrics.cancelled.hashMap).toBeDefined();
    const cancelled = (await closing.metrics.cancelled.get()).values.find((v) => v.labels.reason === 'shutdown');
    expect(cancelled?.value).toBe(1);
    await expect(fetch(`${other}/health`)).rejects.toThrow();
    await response.body?.cancel().catch(() => {});
  });
});
