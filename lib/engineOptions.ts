import { availableParallelism } from 'node:os';

import { ErrorCode, KokoroError } from './errors.js';
import { limits } from './limits.js';

/** How a model's executor batches concurrent requests. */
export interface BatchOptions {
  /**
   * Most requests in one forward pass; 1 disables batching. Defaults to 8 on CUDA and 1 on the
   * CPU, where batched decode measured slower than one request at a time (BENCHMARKS.md).
   */
  maxSize?: number;
  /**
   * How long (ms) a request may wait for company before its pass starts. Defaults to 0: batch
   * what is already queued and never delay (Triton's default); raise it only when batches stay
   * small under load.
   */
  windowMs?: number;
}

/**
 * First audio for a crowd: when many streams wait for their first audio at once, the CPU runs
 * their first chunks one after another, so each listener waits for every first chunk ahead of
 * its own. From `crowd` waiting streams on, a stream's first chunk is cut to `crowdedTokens`
 * (later chunks keep their budgets): everyone behind it hears audio sooner, at the price of a
 * shorter opening utterance. Streams with `firstChunkTokens: 0` are never cut.
 */
export interface FirstAudioOptions {
  /**
   * Streams waiting for their first audio (the new one included) from which first chunks are
   * shortened; 0 (the default) turns the rule off. Off by default because a stream's chunks, and
   * so its audio for a given seed, then depend on how many other streams started with it; 3
   * suits a CPU server with many listeners (BENCHMARKS.md).
   */
  crowd?: number;
  /** Phoneme tokens of a crowded stream's first chunk (about one word). Defaults to 8. */
  crowdedTokens?: number;
}

/**
 * The model's executor: the fixed set of native threads on which every inference runs.
 * By default executors × threads ≤ the CPU count.
 */
export interface EngineOptions {
  /** Executor threads, each running one forward pass at a time. */
  executors?: number;
  /** Intra-op threads of each executor. Defaults to the number of CPUs, at most 8. */
  threads?: number;
  /** Requests that may wait in the queue. Defaults to 256. */
  maxQueue?: number;
  /**
   * What a request meets when the queue is full: `'reject'` (a KOKORO_QUEUE_FULL error at once)
   * or `'wait'` (it waits, in order, for room). Defaults to `'wait'`.
   */
  whenFull?: 'reject' | 'wait';
  batch?: BatchOptions;
  firstAudio?: FirstAudioOptions;
}

/** The executor settings, resolved and checked (what the native loader receives). */
export interface ResolvedEngineOptions {
  executors: number;
  threads: number;
  maxQueue: number;
  whenFull: 'reject' | 'wait';
  batchMaxSize: number;
  batchWindowMs: number;
  firstAudioCrowd: number;
  firstAudioCrowdedTokens: number;
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new KokoroError(ErrorCode.InvalidArgument, `${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Fills in the defaults (executors × threads ≤ CPUs) and validates every executor option. */
export function resolveEngineOptions(options: EngineOptions, onGpu = false, cpus = availableParallelism()): ResolvedEngineOptions {
  const threads = options.threads === undefined
    ? Math.max(1, Math.min(8, Math.floor(cpus / (options.executors ?? 1))))
    : checkInteger('threads', options.threads, 1, 256);
  const executors = options.executors === undefined
    ? Math.max(1, Math.floor(cpus / threads))
    : checkInteger('executors', options.executors, 1, 64);
  const maxQueue = checkInteger('maxQueue', options.maxQueue ?? 256, 1, 1_000_000);
  const whenFull = options.whenFull ?? 'wait';
  if (whenFull !== 'reject' && whenFull !== 'wait') {
    throw new KokoroError(ErrorCode.InvalidArgument, `whenFull must be 'reject' or 'wait', got ${String(whenFull)}`);
  }
  const batch = options.batch ?? {};
  if (typeof batch !== 'object' || batch === null) {
    throw new KokoroError(ErrorCode.InvalidArgument, 'batch must be an object { maxSize?, windowMs? }');
  }
  const batchMaxSize = checkInteger('batch.maxSize', batch.maxSize ?? (onGpu ? 8 : 1), 1, 256);
  const batchWindowMs = batch.windowMs ?? 0;
  if (typeof batchWindowMs !== 'number' || !Number.isFinite(batchWindowMs) || batchWindowMs < 0 || batchWindowMs > 10_000) {
    throw new KokoroError(ErrorCode.InvalidArgument, `batch.windowMs must be a number of milliseconds in [0, 10000], got ${String(batchWindowMs)}`);
  }
  const firstAudio = options.firstAudio ?? {};
  if (typeof firstAudio !== 'object' || firstAudio === null) {
    throw new KokoroError(ErrorCode.InvalidArgument, 'firstAudio must be an object { crowd?, crowdedTokens? }');
  }
  const firstAudioCrowd = checkInteger('firstAudio.crowd', firstAudio.crowd ?? 0, 0, 1_000_000);
  const firstAudioCrowdedTokens = checkInteger('firstAudio.crowdedTokens', firstAudio.crowdedTokens ?? 8, 1, limits().maxTokens);
  return { executors, threads, maxQueue, whenFull, batchMaxSize, batchWindowMs, firstAudioCrowd, firstAudioCrowdedTokens };
}

/** What {@link KModel.stats} reports: the executor's load and what it has done. */
export interface EngineStats {
  executors: number;
  threadsPerExecutor: number;
  /** Requests waiting to run. */
  queued: number;
  /** Requests inside a forward pass now. */
  running: number;
  submitted: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Requests refused because the queue was full (`whenFull: 'reject'`). */
  rejected: number;
  /** Forward (predict) passes run. */
  batches: number;
  /** `[n]` = passes that held n requests. */
  batchSizeCounts: number[];
  /** Seconds spent in each stage, summed over passes. */
  stageSeconds: { predict: number; decode: number };
  /** Audio produced, in seconds. */
  audioSeconds: number;
  /** {@link FirstAudioOptions}: streams waiting for their first audio now, first chunks shortened so far. */
  firstAudio: { waiting: number; shortened: number };
}
