import { pbkdf2 } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { ErrorCode, KModel, ModelManager, type EngineOptions, type EngineStats } from '../../lib/index.js';
import { resolveEngineOptions } from '../../lib/engineOptions.js';
import { correlation, fixtureCases, hasShared, tinyConfig, tinyVoice, tinyWeights } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

const loaded: Array<{ dispose(): Promise<void> }> = [];
async function load(options: EngineOptions): Promise<KModel> {
  const model = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', ...options });
  loaded.push(model);
  return model;
}
afterEach(async () => {
  await Promise.all(loaded.splice(0).map((m) => m.dispose()));
});

function longestCase() {
  return fixtureCases().reduce((a, b) => (b.phonemes.length > a.phonemes.length ? b : a));
}

/** Samples stats() on every turn of the event loop until `done` settles. */
async function sampleStats(model: KModel, done: Promise<unknown>): Promise<EngineStats[]> {
  const samples: EngineStats[] = [];
  let finished = false;
  void done.finally(() => { finished = true; }).catch(() => undefined);
  while (!finished) {
    samples.push(model.stats());
    await new Promise((resolve) => setImmediate(resolve));
  }
  return samples;
}

describe.skipIf(!hasShared)('the model executor', () => {
  it('leaves libuv\'s pool and the event loop free while 8 inferences run', async () => {
    const model = await load({ executors: 1, threads: 1, batch: { maxSize: 1 } });
    const c = fixtureCases().find((x) => x.name === 't04_len105')!;
    let lastInference = 0;
    const inferences = Array.from({ length: 8 }, (_, i) =>
      model.infer(c.phonemes, tinyVoice, { seed: i }).then(() => { lastInference = performance.now(); }));
    // Give the executor a head start, then ask the pool for work: four pbkdf2 calls fill its
    // four threads, and readFile needs one too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    let ioDone = 0;
    const io = Promise.all([
      readFile(tinyConfig, 'utf8'),
      ...Array.from({ length: 4 }, () => new Promise((resolve, reject) =>
        pbkdf2('secret', 'salt', 1000, 32, 'sha256', (e, key) => (e ? reject(e) : resolve(key))))),
    ]).then(() => { ioDone = performance.now(); });
    await Promise.all([...inferences, io]);
    expect(ioDone).toBeGreaterThan(0);
    expect(ioDone).toBeLessThan(lastInference);
    expect(model.stats().completed).toBe(8);
  });

  it('never runs more requests at once than it has executors', async () => {
    const model = await load({ executors: 2, threads: 1, batch: { maxSize: 1 } });
    const cases = fixtureCases().filter((c) => c.input_ids.length < 60);
    const all = Promise.all(Array.from({ length: 12 }, (_, i) =>
      model.infer(cases[i % cases.length]!.phonemes, tinyVoice, { seed: i })));
    const samples = await sampleStats(model, all);
    await all;
    const peak = samples.reduce((m, s) => Math.max(m, s.running), 0);
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(2);
    const stats = model.stats();
    expect(stats).toMatchObject({ executors: 2, threadsPerExecutor: 1, queued: 0, running: 0, submitted: 12, completed: 12 });
    expect(stats.batchSizeCounts[1]).toBe(12);
    expect(samples.some((s) => s.queued > 0)).toBe(true);
  });

  it('rejects with KOKORO_QUEUE_FULL when full and whenFull is reject', async () => {
    const model = await load({ executors: 1, threads: 1, maxQueue: 2, whenFull: 'reject', batch: { maxSize: 1 } });
    const c = longestCase();
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => model.infer(c.phonemes, tinyVoice, { seed: i })));
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(2);
    for (const r of rejected) expect((r as PromiseRejectedResult).reason.code).toBe(ErrorCode.QueueFull);
    expect(model.stats().rejected).toBe(rejected.length);
    // Still usable afterwards.
    await expect(model.infer(c.phonemes, tinyVoice, { seed: 1 })).resolves.toBeDefined();
  });

  it('makes requests wait for room when full and whenFull is wait', async () => {
    const model = await load({ executors: 1, threads: 1, maxQueue: 2, whenFull: 'wait', batch: { maxSize: 1 } });
    const c = fixtureCases().find((x) => x.name === 't03_len47')!;
    const all = Promise.all(Array.from({ length: 10 }, (_, i) => model.infer(c.phonemes, tinyVoice, { seed: i })));
    const samples = await sampleStats(model, all);
    expect((await all).length).toBe(10);
    expect(samples.reduce((m, s) => Math.max(m, s.queued), 0)).toBeGreaterThan(2);  // parked beyond the queue
    expect(model.stats()).toMatchObject({ rejected: 0, completed: 10 });
  });

  it('removes a cancelled request from the queue; the others are unchanged', async () => {
    const model = await load({ executors: 1, threads: 1, batch: { maxSize: 1 } });
    const cases = fixtureCases().slice(0, 4);
    const alone = [];
    for (const c of cases) alone.push(await model.infer(c.phonemes, tinyVoice, { seed: c.seed }));
    const controller = new AbortController();
    const pending = cases.map((c, i) => model.infer(c.phonemes, tinyVoice, { seed: c.seed, ...(i === 2 ? { signal: controller.signal } : {}) }));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const results = await Promise.allSettled(pending);
    expect(results[2]!.status).toBe('rejected');
    expect((results[2] as PromiseRejectedResult).reason.code).toBe(ErrorCode.Aborted);
    for (const i of [0, 1, 3]) {
      const r = results[i] as PromiseFulfilledResult<Awaited<(typeof pending)[number]>>;
      expect(Buffer.from(r.value.audio.buffer).equals(Buffer.from(alone[i]!.audio.buffer))).toBe(true);
    }
    expect(model.stats().cancelled).toBe(1);
  });

  it('validates executor options', async () => {
    await expect(load({ executors: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(load({ whenFull: 'drop' as 'wait' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(load({ batch: { windowMs: -1 } })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});

describe.skipIf(!hasShared)('adaptive threads', () => {
  it('gives a pass alone every core, and concurrent passes one share each', async () => {
    const model = await load({ threads: 'adaptive', cores: 2, executors: 2, batch: { maxSize: 1 } });
    expect(model).toMatchObject({ adaptiveCores: 2, threads: 2, executors: 2 });
    const cases = fixtureCases().filter((c) => c.input_ids.length < 60);
    for (const c of cases.slice(0, 3)) await model.infer(c.phonemes, tinyVoice, { seed: c.seed });
    let stats = model.stats();
    expect(stats).toMatchObject({ threadsPerExecutor: 0, adaptiveCores: 2, threadsInUse: 0, completed: 3 });
    expect(stats.passesByStartThreads[2]).toBe(3);
    const all = Promise.all(Array.from({ length: 12 }, (_, i) => model.infer(cases[i % cases.length]!.phonemes, tinyVoice, { seed: i })));
    const samples = await sampleStats(model, all);
    await all;
    stats = model.stats();
    // Twelve passes queued at once on two executors: each pass after the first begins beside
    // another, with one of the two cores.
    expect(stats.passesByStartThreads[1]).toBeGreaterThanOrEqual(1);
    expect(stats.passesByStartThreads.reduce((a, b) => a + b, 0)).toBe(15);
    for (const sample of samples) expect(sample.threadsInUse).toBeLessThanOrEqual(2);
    expect(stats.threadsInUse).toBe(0);
  });

  it('makes the audio that fixed threads make', async () => {
    const fixed = await load({ executors: 1, threads: 1, batch: { maxSize: 1 } });
    const adaptive = await load({ threads: 'adaptive', cores: 2, executors: 2, batch: { maxSize: 1 } });
    const cases = fixtureCases().slice(0, 6);
    const alone = [];
    for (const c of cases) alone.push(await fixed.infer(c.phonemes, tinyVoice, { seed: c.seed, speed: c.speed }));
    const together = await Promise.all(cases.map((c) => adaptive.infer(c.phonemes, tinyVoice, { seed: c.seed, speed: c.speed })));
    together.forEach((result, i) => {
      expect(Array.from(result.durations)).toEqual(Array.from(alone[i]!.durations));
      expect(correlation(result.audio, alone[i]!.audio)).toBeGreaterThanOrEqual(0.9999);
    });
  });

  it('is the CPU default, validates its options, and is fixed on CUDA', async () => {
    await expect(load({ threads: 4, cores: 2 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('cores') });
    await expect(load({ threads: 'adaptive', cores: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(load({ threads: 'many' as 'adaptive' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(resolveEngineOptions({ threads: 'adaptive' }, false, 4)).toMatchObject({ executors: 4, threads: 4, adaptiveCores: 4 });
    expect(resolveEngineOptions({ threads: 'adaptive' }, false, 32)).toMatchObject({ executors: 8, threads: 8, adaptiveCores: 32 });
    expect(resolveEngineOptions({ threads: 'adaptive', executors: 3 }, true, 4)).toMatchObject({ adaptiveCores: 0 });
    // The CPU's default; given executors alone, or on CUDA, threads are fixed.
    expect(resolveEngineOptions({}, false, 2)).toMatchObject({ executors: 2, threads: 2, adaptiveCores: 2 });
    expect(resolveEngineOptions({ executors: 1 }, false, 2)).toMatchObject({ executors: 1, threads: 2, adaptiveCores: 0 });
    expect(resolveEngineOptions({}, true, 2)).toMatchObject({ executors: 1, threads: 2, adaptiveCores: 0 });
  });
});

// The engine predicts each request of a batch with the batch-1 method and batches only the
// decoder (native/core/BatchRunner.h): the tiny random-weight decoder turns a 1-ulp change of F0
// into phase flips of near-silent STFT bins, so predict_batch's different summation order alone
// would cost up to 0.07 of correlation; on identical inputs decode_batch matches decode alone.
const END_TO_END_CORRELATION = 0.999;

describe.skipIf(!hasShared)('dynamic batching', () => {
  it('gives each request of a mixed-length batch the output it gets alone', async () => {
    // A wide window makes the eight requests meet in one pass.
    const model = await load({ executors: 1, threads: 1, batch: { maxSize: 8, windowMs: 2000 } });
    expect(model.batching).toBe(true);
    const cases = fixtureCases().slice(0, 8);
    const lengths = cases.map((c) => c.input_ids.length);
    expect(Math.max(...lengths) / Math.min(...lengths)).toBeGreaterThanOrEqual(10);
    const alone = [];
    for (const c of cases) alone.push(await model.infer(c.phonemes, tinyVoice, { seed: c.seed, speed: c.speed, curves: true }));
    const before = model.stats().batchSizeCounts[8] ?? 0;
    const batched = await Promise.all(cases.map((c) => model.infer(c.phonemes, tinyVoice, { seed: c.seed, speed: c.speed, curves: true })));
    expect(model.stats().batchSizeCounts[8]).toBe(before + 1);
    batched.forEach((result, i) => {
      const expected = alone[i]!;
      expect(Array.from(result.durations)).toEqual(Array.from(expected.durations));
      expect(result.audio.length).toBe(expected.audio.length);
      expect(correlation(result.audio, expected.audio)).toBeGreaterThanOrEqual(END_TO_END_CORRELATION);
      for (const key of ['f0', 'n'] as const) {
        const a = result[key]!, b = expected[key]!;
        let scale = 0, diff = 0;
        for (let k = 0; k < b.length; k++) { scale = Math.max(scale, Math.abs(b[k]!)); diff = Math.max(diff, Math.abs(a[k]! - b[k]!)); }
        expect(diff / scale).toBeLessThan(1e-4);
      }
    });
  });

  it('drops a request cancelled while batched; its batch mates complete unchanged', async () => {
    const model = await load({ executors: 1, threads: 1, batch: { maxSize: 4, windowMs: 2000 } });
    const cases = fixtureCases().filter((c) => c.input_ids.length > 40).slice(0, 4);
    const alone = [];
    for (const c of cases) alone.push(await model.infer(c.phonemes, tinyVoice, { seed: c.seed }));
    // The cancel must land while the pass runs; on a fast run it may come too late: retry.
    for (let attempt = 0; attempt < 5; attempt++) {
      const controller = new AbortController();
      const pending = cases.map((c, i) => model.infer(c.phonemes, tinyVoice, { seed: c.seed, ...(i === 1 ? { signal: controller.signal } : {}) }));
      while (model.stats().running < cases.length) await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      const results = await Promise.allSettled(pending);
      for (const i of [0, 2, 3]) {
        const r = results[i] as PromiseFulfilledResult<Awaited<(typeof pending)[number]>>;
        expect(r.status).toBe('fulfilled');
        expect(Array.from(r.value.durations)).toEqual(Array.from(alone[i]!.durations));
        expect(correlation(r.value.audio, alone[i]!.audio)).toBeGreaterThanOrEqual(END_TO_END_CORRELATION);
      }
      if (results[1]!.status === 'rejected') {
        expect((results[1] as PromiseRejectedResult).reason.code).toBe(ErrorCode.Aborted);
        expect(model.stats().cancelled).toBe(1);
        return;
      }
    }
    throw new Error('the cancel never landed while the batch ran');
  });
});

describe.skipIf(!hasShared)('stream priorities', () => {
  it('runs a new stream\'s first chunk ahead of other streams\' later chunks', async () => {
    const manager = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', executors: 1, threads: 1, batch: { maxSize: 1 } });
    loaded.push(manager);
    const model = await manager.getModel('v1.0');
    const sentence = 'The quick brown fox jumps over the lazy dog, and then it runs far away into the woods. ';
    let othersProduced = 0;
    const busy = Array.from({ length: 4 }, async (_, s) => {
      for await (const chunk of model.generate(sentence.repeat(12), { voice: 'af_heart', lang: 'a', seed: s })) {
        void chunk;
        othersProduced += 1;
      }
    });
    // Let the four streams fill the queue with later chunks.
    while (othersProduced < 8) await new Promise((resolve) => setTimeout(resolve, 5));
    const atStart = othersProduced;
    const queuedAtStart = model.stats().queued;
    let producedBeforeFirst = -1;
    for await (const chunk of model.generate('Hi there.', { voice: 'af_heart', lang: 'a', seed: 9 })) {
      void chunk;
      producedBeforeFirst = othersProduced - atStart;
      break;
    }
    await manager.dispose();
    await Promise.allSettled(busy);
    expect(queuedAtStart).toBeGreaterThanOrEqual(2);
    // In arrival order it would wait for the queued later chunks; first, it waits at most for
    // the pass that is running (and one that started while it was being phonemized).
    expect(producedBeforeFirst).toBeGreaterThanOrEqual(0);
    expect(producedBeforeFirst).toBeLessThanOrEqual(2);
  });
  it('serves a first chunk ahead of later chunks waiting for company, in a pass of its own', async () => {
    // Later chunks wait a window for a third batch mate; a new stream's first chunk arriving
    // meanwhile must neither join them (their longer decode would run before it) nor wait
    // behind them.
    const manager = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', executors: 1, threads: 1, batch: { maxSize: 3, windowMs: 1000 } });
    loaded.push(manager);
    const model = await manager.getModel('v1.0');
    const sentence = 'The quick brown fox jumps over the lazy dog, and then it runs far away into the woods. ';
    const served: string[] = [];
    const busy = ['a', 'b'].map(async (name, s) => {
      for await (const chunk of model.generate(sentence.repeat(4), { voice: 'af_heart', lang: 'a', seed: s })) {
        served.push(`${name}${chunk.index}`);
        if (chunk.index === 1) break;
      }
    });
    while (!(served.includes('a0') && served.includes('b0'))) await new Promise((resolve) => setTimeout(resolve, 5));
    const passesBefore = model.stats().batchSizeCounts.slice();
    for await (const chunk of model.generate('Hi there.', { voice: 'af_heart', lang: 'a', seed: 9 })) {
      void chunk;
      served.push('new0');
    }
    await Promise.all(busy);
    const passes = model.stats().batchSizeCounts.map((n, size) => n - (passesBefore[size] ?? 0));
    await manager.dispose();
    // The two streams' first chunks shared a pass; their second chunks came after the new first.
    expect(served.slice(0, 2).sort()).toEqual(['a0', 'b0']);
    expect(served[2]).toBe('new0');
    expect(served.slice(3).sort()).toEqual(['a1', 'b1']);
    expect(passes[1]).toBe(1);  // the new first chunk alone
    expect(passes[2]).toBe(1);  // the two later chunks together
  });
});
