import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { KokoroError } from '../../lib/errors.js';
import { ServiceError, toErrorReply } from '../../lib/server/errors.js';
import { AdmissionControl } from '../../lib/server/limits.js';
import { parseSpeechBody } from '../../lib/server/request.js';
import { OPENAI_VOICES, VoiceCatalog } from '../../lib/server/voices.js';
import { redisConnection } from '../../lib/worker/redis.js';

function catalog(): VoiceCatalog {
  const dir = mkdtempSync(join(tmpdir(), 'kokoro-voices-'));
  for (const name of ['af_heart', 'af_bella', 'af_sky', 'bf_emma', 'am_onyx', 'af_nova']) writeFileSync(join(dir, `${name}.pt`), '');
  writeFileSync(join(dir, 'notes.txt'), '');
  return new VoiceCatalog(dir);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as KokoroError).code;
  }
  return undefined;
}

describe('speech request parsing', () => {
  const limits = { maxInputChars: 50 };

  it('maps OpenAI fields and voices; the language defaults to the voice\'s', () => {
    expect(parseSpeechBody({ model: 'tts-1', input: 'Hi', voice: 'onyx' }, catalog(), limits))
      .toEqual({ input: 'Hi', voice: 'am_onyx', lang: 'a', format: 'mp3', speed: 1, volume: 1, normalization: undefined, stream: true });
    expect(parseSpeechBody({ input: 'Hi', voice: 'bf_emma', response_format: 'wav', stream: false, speed: 1.5 }, catalog(), limits))
      .toMatchObject({ voice: 'bf_emma', lang: 'b', format: 'wav', stream: false, speed: 1.5 });
    expect(parseSpeechBody({ input: 'Hi', voice: 'af_bella(2)+nova', lang_code: 'en-gb' }, catalog(), limits))
      .toMatchObject({ voice: 'af_bella(2)+af_nova(1)', lang: 'b' });
  });

  it('refuses what it cannot serve, with the code of the fault', () => {
    const parse = (body: unknown) => () => parseSpeechBody(body, catalog(), limits);
    expect(codeOf(parse({ input: 'Hi', voice: 'af_nobody' }))).toBe('KOKORO_VOICE_NOT_FOUND');
    expect(codeOf(parse({ input: 'Hi', voice: '/etc/passwd' }))).toBe('KOKORO_VOICE_NOT_FOUND');
    expect(codeOf(parse({ input: 'Hi', voice: 'notes' }))).toBe('KOKORO_VOICE_NOT_FOUND');
    expect(codeOf(parse({ input: 'Hi', voice: 'af_heart+' }))).toBe('KOKORO_BAD_VOICE');
    expect(codeOf(parse({ input: 'Hi', voice: 'af_heart', lang_code: 'xx' }))).toBe('KOKORO_UNSUPPORTED_LANGUAGE');
    expect(codeOf(parse({ input: 'x'.repeat(51), voice: 'af_heart' }))).toBe('KOKORO_INPUT_TOO_LONG');
    expect(codeOf(parse({ input: 'Hi', voice: 'af_heart', response_format: 'ogg' }))).toBe('KOKORO_INVALID_ARGUMENT');
    expect(codeOf(parse({ input: 'Hi', voice: 'af_heart', stream: 'yes' }))).toBe('KOKORO_INVALID_ARGUMENT');
    expect(codeOf(parse({ input: 'Hi', voice: 'af_heart', volume_multiplier: -1 }))).toBe('KOKORO_INVALID_ARGUMENT');
    expect(codeOf(parse({ input: 42, voice: 'af_heart' }))).toBe('KOKORO_INVALID_ARGUMENT');
    expect(codeOf(parse([1, 2]))).toBe('KOKORO_INVALID_ARGUMENT');
  });

  it('every OpenAI voice maps to a Kokoro voice name', () => {
    for (const voice of Object.values(OPENAI_VOICES)) expect(voice).toMatch(/^[abefhijpz][fm]_[a-z]+$/);
  });
});

describe('admission control', () => {
  it('runs up to the limit, queues up to the queue limit, refuses beyond with a Retry-After', async () => {
    const admission = new AdmissionControl(2, 1);
    const signal = new AbortController().signal;
    const a = await admission.acquire(signal);
    await admission.acquire(signal);
    const queued = admission.acquire(signal);
    expect(admission.queued).toBe(1);
    expect(admission.saturated).toBe(true);
    const refused = await admission.acquire(signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(toErrorReply(refused)).toMatchObject({ status: 429, body: { error: { code: 'KOKORO_QUEUE_FULL', type: 'rate_limit_error' } } });
    expect((refused as ServiceError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    a();
    a(); // releasing twice gives back one slot only
    await queued;
    expect(admission.running).toBe(2);
    expect(admission.queued).toBe(0);
  });

  it('a request aborted while queued leaves the queue', async () => {
    const admission = new AdmissionControl(1, 5);
    await admission.acquire(new AbortController().signal);
    const abort = new AbortController();
    const waiting = admission.acquire(abort.signal);
    abort.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(admission.queued).toBe(0);
    expect(admission.running).toBe(1);
  });
});

describe('error replies', () => {
  it('are OpenAI-shaped with KOKORO_* codes and fitting statuses', () => {
    expect(toErrorReply(new KokoroError('KOKORO_VOICE_NOT_FOUND', 'no voice'))).toEqual({
      status: 400, retryAfterSeconds: undefined, body: { error: { message: 'no voice', type: 'invalid_request_error', code: 'KOKORO_VOICE_NOT_FOUND' } },
    });
    expect(toErrorReply(new KokoroError('KOKORO_INFERENCE_FAILED', 'boom')).status).toBe(500);
    expect(toErrorReply(Object.assign(new Error('too big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).body.error.code).toBe('KOKORO_PAYLOAD_TOO_LARGE');
    expect(toErrorReply(new Error('???')).body.error).toMatchObject({ code: 'KOKORO_INTERNAL', type: 'server_error' });
  });
});

describe('redis URLs', () => {
  it('become ioredis options', () => {
    expect(redisConnection('redis://user:p%40ss@example:6380/2')).toMatchObject({ host: 'example', port: 6380, username: 'user', password: 'p@ss', db: 2 });
    expect(redisConnection('rediss://h').tls).toEqual({});
    expect(() => redisConnection('http://h')).toThrow(/redis:\/\//);
    expect(() => redisConnection('not a url')).toThrow(/not a URL/);
  });
});
