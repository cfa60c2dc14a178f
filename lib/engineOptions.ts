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

/** Intra-op threads a pass may use beyond which a Kokoro pass gains little (its convolutions are narrow). */
const MAX_THREADS_PER_PASS = 8;

/**
 * The model's executor: the fixed set of native threads on which every inference runs.
 * By default executors × threads ≤ the CPU count.
 */
export interface EngineOptions {
  /** Executor threads, each running one forward pass at a time. */
  executors?: number;
  /**
   * Intra-op threads of each pass: `'adaptive'` (the default on the CPU when neither `threads`
   * nor `executors` is given) or a fixed number per executor. Adaptive: the executors' passes
   * share {@link EngineOptions.cores}, so that a pass running alone takes all of them (at most 8)
   * and passes running at once split them: one request alone gets the latency of every core, a
   * crowd one core per pass without oversubscribing them. A running pass follows its share within
   * milliseconds of another starting or ending. `'adaptive'` defaults `executors` to `cores` (at
   * most 8); a fixed count defaults to the number of CPUs, at most 8, divided among `executors`
   * (given `executors` alone, threads are fixed). On CUDA, where passes run on the GPU, threads
   * are fixed.
   */
  threads?: number | 'adaptive';
  /** With `threads: 'adaptive'`: the CPU cores the passes share. Defaults to the number of CPUs. */
  cores?: number;
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
  /** Fixed: each executor's intra-op threads; adaptive: the most one pass takes. */
  threads: number;
  /** Adaptive threads: the cores the passes share; 0 for fixed threads. */
  adaptiveCores: number;
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
  // Adaptive by default on the CPU: a lone request gets every core and a crowd one core per pass
  // (BENCHMARKS.md, stop 18: it matched or beat both fixed layouts at 1 and 8 streams).
  const adaptive = !onGpu && (options.threads === 'adaptive' || (options.threads === undefined && options.executors === undefined));
  if (options.cores !== undefined) checkInteger('cores', options.cores, 1, 1024);
  if (options.cores !== undefined && options.threads !== 'adaptive') {
    throw new KokoroError(ErrorCode.InvalidArgument, "cores applies to threads: 'adaptive' only; give threads: 'adaptive' or leave cores out");
  }
  let threads: number;
  let executors: number;
  let adaptiveCores = 0;
  if (adaptive) {
    adaptiveCores = options.cores ?? cpus;
    threads = Math.min(MAX_THREADS_PER_PASS, adaptiveCores);
    executors = options.executors === undefined
      ? Math.max(1, Math.min(MAX_THREADS_PER_PASS, adaptiveCores))
      : checkInteger('executors', options.executors, 1, 64);
  } else {
    threads = options.threads === undefined || options.threads === 'adaptive'
      ? Math.max(1, Math.min(MAX_THREADS_PER_PASS, Math.floor(cpus / (options.executors ?? 1))))
      : checkInteger('threads', options.threads, 1, 256);
    executors = options.executors === undefined
      ? Math.max(1, Math.floor(cpus / threads))
      : checkInteger('executors', options.executors, 1, 64);
  }
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
  return { executors, threads, adaptiveCores, maxQueue, whenFull, batchMaxSize, batchWindowMs, firstAudioCrowd, firstAudioCrowdedTokens };
}

/**
 * Reads a command line's `--threads` (absent: undefined): a positive integer or `adaptive`;
 * anything else throws `usage(message)`.
 */
export function parseThreadsOption(text: unknown, usage: (message: string) => Error): number | 'adaptive' | undefined {
  if (text === undefined) return undefined;
  if (text === 'adaptive') return 'adaptive';
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1) throw usage("--threads must be a positive integer or 'adaptive'");
  return threads;
}

/** What {@link KModel.stats} reports: the executor's load and what it has done. */
export interface EngineStats {
  executors: number;
  /** Each executor's intra-op threads; 0 when they are adaptive. */
  threadsPerExecutor: number;
  /** Adaptive threads: the cores the passes share; 0 for fixed threads. */
  adaptiveCores: number;
  /** Adaptive threads: the intra-op threads of the passes running now. */
  threadsInUse: number;
  /** Adaptive threads: `[n]` = passes that began with n threads (empty for fixed threads). */
  passesByStartThreads: number[];
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
