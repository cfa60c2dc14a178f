import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Job, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createWorker, SpeechProducer, type SpeechJobResult, type SpeechWorker } from '../../lib/index.js';
import { redisConnection } from '../../lib/worker/redis.js';
import { magicOf } from '../helpers/audio.js';
// @ts-expect-error plain JS helper
import { repoRoot } from '../helpers/environment.mjs';
import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';
import { hasRedis, startRedis } from '../helpers/redis.js';
import { sentences } from '../helpers/server.js';

const cli = join(repoRoot as string, 'bin', 'kokoro-native.js');
if (!hasRedis) console.warn('[worker tests] skipped: needs redis-server (apt-get install redis-server)');

describe.skipIf(!hasShared || !hasRedis)('BullMQ speech worker', () => {
  let redis: { url: string; stop: () => Promise<void> };
  let modelsDir: string;
  const out = mkdtempSync(join(tmpdir(), 'kokoro-jobs-'));
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    modelsDir = makeTinyModelsDir();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await redis?.stop();
  });

  function worker(queue: string, options: { lockDurationMs?: number; stalledIntervalMs?: number } = {}): SpeechWorker {
    const w = createWorker({ redis: redis.url, queue, modelsDir, threads: 1, ...options });
    closers.push(() => w.close());
    return w;
  }

  function events(queue: string): QueueEvents {
    const e = new QueueEvents(queue, { connection: redisConnection(redis.url) });
    closers.push(() => e.close());
    return e;
  }

  function producer(queue: string, options: { attempts?: number; backoffMs?: number } = {}): SpeechProducer {
    const p = new SpeechProducer({ redis: redis.url, queue, ...options });
    closers.push(() => p.close());
    return p;
  }

  it('enqueue (CLI, JSONL) → worker: audio in files and in job results, progress to 100', async () => {
    const queue = 'complete';
    const jsonl = join(out, 'jobs.jsonl');
    const target = join(out, 'first.wav');
    writeFileSync(jsonl, [
      JSON.stringify({ text: 'The first job. It goes to a file.', voice: 'af_heart', format: 'wav', output: target }),
      '',
      JSON.stringify({ text: 'The second job comes back in the result.', voice: 'nova', lang: 'en-gb', speed: 1.2, format: 'pcm' }),
    ].join('\n'));
    const enqueued = spawnSync(process.execPath, [cli, 'enqueue', jsonl, '--redis', redis.url, '--queue', queue], { encoding: 'utf8' });
    expect(enqueued.status, enqueued.stderr).toBe(0);
    const ids = enqueued.stdout.trim().split('\n');
    expect(ids).toHaveLength(2);
    const queueEvents = events(queue);
    await queueEvents.waitUntilReady();
    const w = worker(queue);
    const p = producer(queue);
    const [first, second] = await Promise.all(ids.map((id) => Job.fromId<unknown, SpeechJobResult>(p.queue, id)));
    const [r1, r2] = await Promise.all([first!.waitUntilFinished(queueEvents, 60_000), second!.waitUntilFinished(queueEvents, 60_000)]) as SpeechJobResult[];
    expect(r1).toMatchObject({ format: 'wav', output: target });
    const file = readFileSync(target);
    expect(magicOf(file)).toBe('wav');
    expect(file.readUInt32LE(40)).toBeGreaterThan(0);
    expect(r1!.words.map((x) => x.word)).toEqual(['The', 'first', 'job.', 'It', 'goes', 'to', 'a', 'file.']);
    expect(r2!.audio).toBeDefined();
    expect(Buffer.from(r2!.audio!, 'base64').length / 48000).toBeCloseTo(r2!.seconds, 3);
    expect((await Job.fromId(p.queue, ids[0]!))!.progress).toBe(100);
    await w.close();
  });

  it('a failing job is retried by BullMQ and reported; bad input fails at once', async () => {
    const queue = 'failing';
    const queueEvents = events(queue);
    await queueEvents.waitUntilReady();
    const p = producer(queue, { attempts: 2, backoffMs: 10 });
    worker(queue);
    const [unwritable, badVoice] = await p.add([
      { text: 'Nowhere to go.', output: join(out, 'no', 'such', 'folder', 'x.wav') },
      { text: 'Who speaks?', voice: 'nobody' },
    ]);
    const settle = async (id: string) => {
      const job = (await Job.fromId(p.queue, id))!;
      await job.waitUntilFinished(queueEvents, 60_000).then(() => { throw new Error('should fail'); }, () => {});
      return (await Job.fromId(p.queue, id))!;
    };
    const failed = await settle(unwritable!);
    expect(failed.attemptsMade).toBe(2);
    expect(failed.failedReason).toContain('no/such/folder');
    const refused = await settle(badVoice!);
    expect(refused.attemptsMade).toBe(1);
    expect(refused.failedReason).toContain('KOKORO_VOICE_NOT_FOUND');
    expect(await p.queue.getJobCounts('failed')).toEqual({ failed: 2 });
  });

  it('the job of a killed worker is taken over by another', async () => {
    const queue = 'takeover';
    const target = join(out, 'long.wav');
    const first = spawn(process.execPath, [cli, 'worker', '--redis', redis.url, '--queue', queue, '--models-dir', modelsDir,
      '--threads', '1', '--lock-duration', '1500', '--stalled-interval', '500'], { stdio: ['ignore', 'ignore', 'pipe'] });
    closers.push(async () => { first.kill('SIGKILL'); });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      first.stderr!.on('data', (d: Buffer) => { log += d.toString(); if (log.includes('model loaded')) resolve(); });
      first.once('exit', () => reject(new Error(`worker exited: ${log}`)));
    });
    const p = producer(queue, { attempts: 1 });
    const queueEvents = events(queue);
    await queueEvents.waitUntilReady();
    const [id] = await p.add([{ text: sentences(40), voice: 'af_heart', format: 'wav', output: target }]);
    // Killed in the middle of the job: it is active and has reported progress.
    for (;;) {
      const job = (await Job.fromId(p.queue, id!))!;
      if ((await job.getState()) === 'active' && Number(job.progress) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    expect(existsSync(target)).toBe(false);
    worker(queue, { lockDurationMs: 1500, stalledIntervalMs: 500 });
    const job = (await Job.fromId(p.queue, id!))!;
    const result = await job.waitUntilFinished(queueEvents, 120_000) as SpeechJobResult;
    expect(result.output).toBe(target);
    expect(magicOf(readFileSync(target))).toBe('wav');
    expect(result.seconds).toBeGreaterThan(20);
  });
});
