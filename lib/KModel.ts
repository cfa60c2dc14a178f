import { findArchitecture } from './architecture.js';
import { configSizes, readConfig, structureKey, validateConfig, type KokoroConfig } from './config.js';
import { resolveEngineOptions, type EngineOptions, type EngineStats } from './engineOptions.js';
import { ErrorCode, KokoroError, nativeCall } from './errors.js';
import { checkSignal } from './limits.js';
import type { InferResult, NativeModel } from './native/binding.js';
import { loadBinding } from './native/loadBinding.js';
import { runsOnGpu } from './runtime.js';
import { DEFAULT_VOICE_CACHE_BYTES, VoiceCache } from './voiceCache.js';
import { VoiceLibrary } from './voiceLibrary.js';
import type { VoicePack } from './voices.js';

/** Audio sample rate of every Kokoro model. */
export const SAMPLE_RATE = 24000;
/** Samples of audio per predicted duration frame. */
export const SAMPLES_PER_FRAME = 600;
/** Most phoneme tokens one inference takes. */
export const MAX_TOKENS = 510;

/** Where the model runs. `auto` picks CUDA when this libtorch has a usable GPU, else CPU. */
export type Device = 'cpu' | 'cuda' | 'auto' | `cuda:${number}`;

export interface KModelLoadOptions extends EngineOptions {
  /** Path of `config.json`, or its parsed content. */
  config: string | KokoroConfig;
  /** Path of an official checkpoint (`kokoro-v1_0.pth`). Not needed with `torchscript`. */
  weights?: string;
  /** Path of a self-contained model written by {@link KModel.save} (fast start). */
  torchscript?: string;
  /** TorchScript architecture to fill; defaults to the one shipped for this config's structure. */
  architecture?: string;
  /** Defaults to `auto`. */
  device?: Device;
  /**
   * Precision of the decoder. Defaults to `KOKORO_PRECISION`, else `auto`. Use `fp32` for audio
   * that is the same on every machine (and bit-exact with the official code under its BLAS).
   */
  precision?: Precision;
  /**
   * How the style row of a voice pack is chosen: `codepoints` (v1.0: characters of the phoneme
   * string − 1) or `tokens` (v0.19: tokens without pads). Defaults to `codepoints`.
   */
  voiceRow?: 'codepoints' | 'tokens';
  /**
   * Bytes of voice packs (files and mixes) kept in memory, least recently used evicted first.
   * Defaults to 64 MB (about 120 official packs); 0 caches nothing.
   */
  voiceCacheBytes?: number;
}

/**
 * Floating-point type of the decoder (the text side, and so the durations, is always float32):
 * `bf16` on a CPU roughly halves the decoder's time where the CPU has native bf16 instructions;
 * `fp16` is CUDA only; `auto` is `bf16` on a CPU with native bf16, else `fp32`.
 */
export type Precision = 'fp32' | 'bf16' | 'fp16' | 'auto';

/** `KOKORO_PRECISION` when set, else `auto`. */
export function defaultPrecision(): Precision {
  return (process.env.KOKORO_PRECISION as Precision | undefined) || 'auto';
}

/** A voice: the path of a `.pt`/`.bin` pack, or its floats (a pack or one 256-wide row). */
export type VoiceInput = string | Float32Array;

export type { InferResult } from './native/binding.js';

export interface InferOptions {
  /** Speaking rate in [0.25, 4]; > 1 is faster. Defaults to 1. */
  speed?: number;
  /** Seed of the decoder's noise: the same seed gives the same audio. Random by default. */
  seed?: number;
  /** Also return the predicted F0 and energy curves. Defaults to false. */
  curves?: boolean;
  /**
   * Cancels the request: it leaves the queue, or (when already in a batched pass) is dropped
   * while its batch mates complete unchanged. The promise then rejects with KOKORO_ABORTED.
   */
  signal?: AbortSignal;
}

let nextCancelId = 1;

/**
 * Kokoro's language-blind model: phonemes + voice in, 24 kHz audio out. The counterpart of the
 * official `KModel`; inference runs on the model's own native executor threads (see
 * {@link EngineOptions}), concurrent requests are batched, and any number of calls may be in
 * flight at once.
 */
export class KModel implements AsyncDisposable {
  /** Device the model runs on, resolved (`cpu`, `cuda`, `cuda:N`). */
  readonly device: string;
  /** Intra-op threads of each executor; with adaptive threads, the most one pass takes. */
  readonly threads: number;
  /** Executor threads (forward passes that may run at once). */
  readonly executors: number;
  /**
   * With `threads: 'adaptive'`, the CPU cores the passes share (a pass alone takes all of them,
   * concurrent passes split them); 0 when each executor has a fixed thread count.
   */
  readonly adaptiveCores: number;
  /** Whether concurrent requests share forward passes (the architecture has batch methods). */
  readonly batching: boolean;
  /** Precision the decoder runs in, resolved (`fp32`, `bf16`, `fp16`). */
  readonly precision: Exclude<Precision, 'auto'>;
  readonly config: KokoroConfig;
  private native: NativeModel | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly streams = new Set<() => void>();
  /** Voice packs this model loaded, bounded by bytes; shared with the KokoroModel around it. */
  readonly voiceCache: VoiceCache;
  private readonly voices: VoiceLibrary;

  private constructor(native: NativeModel, config: KokoroConfig, voiceCacheBytes: number) {
    this.native = native;
    this.config = config;
    this.voiceCache = new VoiceCache(voiceCacheBytes);
    this.voices = new VoiceLibrary(undefined, this.voiceCache);
    const info = native.info();
    this.device = info.device;
    this.threads = info.threads;
    this.executors = info.executors;
    this.adaptiveCores = info.adaptiveCores;
    this.batching = info.batching;
    this.precision = info.precision;
  }

  /** Loads config + checkpoint (or a saved TorchScript model). Runs off the main thread. */
  static async load(options: KModelLoadOptions): Promise<KModel> {
    if (typeof options !== 'object' || options === null) {
      throw new KokoroError(ErrorCode.InvalidArgument, 'KModel.load(options): options must be an object');
    }
    const configPath = typeof options.config === 'string' ? options.config : '<config object>';
    const config = typeof options.config === 'string'
      ? await readConfig(options.config)
      : validateConfig(options.config, configPath);
    if (!options.weights && !options.torchscript) {
      throw new KokoroError(ErrorCode.InvalidArgument, 'KModel.load: give `weights` (the .pth checkpoint) or `torchscript` (a saved model).');
    }
    if (options.voiceRow !== undefined && options.voiceRow !== 'codepoints' && options.voiceRow !== 'tokens') {
      throw new KokoroError(ErrorCode.InvalidArgument, `voiceRow must be 'codepoints' or 'tokens', got ${String(options.voiceRow)}`);
    }
    const voiceCacheBytes = options.voiceCacheBytes ?? DEFAULT_VOICE_CACHE_BYTES;
    if (!Number.isSafeInteger(voiceCacheBytes) || voiceCacheBytes < 0) {
      throw new KokoroError(ErrorCode.InvalidArgument, `voiceCacheBytes must be a non-negative integer, got ${String(voiceCacheBytes)}`);
    }
    const executor = resolveEngineOptions(options, runsOnGpu(options.device));
    const architecture = options.torchscript ?? options.architecture ?? findArchitecture(config, configPath);
    const native = await nativeCall(() => loadBinding().loadModel({
      architecture,
      ...(options.torchscript ? {} : { checkpoint: options.weights }),
      structureKey: structureKey(config),
      device: options.device ?? 'auto',
      threads: executor.threads,
      executor,
      precision: options.precision ?? defaultPrecision(),
      albertHeads: config.plbert.num_attention_heads,
      albertLayers: config.plbert.num_hidden_layers,
      voiceRowRule: options.voiceRow ?? 'codepoints',
      sizes: configSizes(config),
      vocab: config.vocab,
    }));
    return new KModel(native, config, voiceCacheBytes);
  }

  /** Number of parameters (81.8 M for the official v1.0 model). */
  get parameterCount(): number {
    return this.requireNative().info().parameters;
  }

  /**
   * Synthesises one phoneme string (at most 510 tokens; characters outside the vocab are
   * dropped). The voice row used is chosen from the phoneme count as the official pipeline does.
   */
  async infer(phonemes: string, voice: VoiceInput, options: InferOptions = {}): Promise<InferResult> {
    const native = this.requireNative();
    const release = this.track();
    try {
      if (typeof phonemes !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, 'phonemes must be a string');
      // Speed and seed are checked natively (lib/limits.ts).
      const pack = await this.resolveVoice(voice);
      const signal = options.signal;
      checkSignal(signal);
      const cancelId = signal ? nextCancelId++ : undefined;
      const onAbort = () => native.cancel(cancelId!);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await nativeCall(() => native.infer(phonemes, pack.native, options.speed, options.seed, options.curves === true, cancelId));
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    } finally {
      release();
    }
  }

  /** What the executor is doing and has done: queue depth, running requests, batch sizes, stage times. */
  stats(): EngineStats {
    return this.requireNative().stats();
  }

  /** Loads (and caches) a voice pack by path, or wraps given floats. */
  resolveVoice(voice: VoiceInput): Promise<VoicePack> {
    return this.voices.get(voice);
  }

  /** Writes architecture + weights as one TorchScript file; load it with `{ torchscript }`. */
  async save(path: string): Promise<void> {
    const native = this.requireNative();
    await nativeCall(() => native.save(path));
  }

  /**
   * Cancels open streams, waits for in-flight inferences, then frees native memory (a stream's
   * producer holds the model until its current chunk is done). Safe to call twice.
   */
  async dispose(): Promise<void> {
    const native = this.native;
    if (!native) return;
    this.native = undefined;
    for (const cancel of this.streams) cancel();
    this.streams.clear();
    await Promise.allSettled([...this.inFlight]);
    native.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** @internal The native handle, for streams started by {@link KokoroModel}. */
  nativeHandle(): NativeModel {
    return this.requireNative();
  }

  /** @internal Registers an open stream, cancelled by dispose(); call the result when it ends. */
  registerStream(cancel: () => void): () => void {
    this.streams.add(cancel);
    return () => this.streams.delete(cancel);
  }

  /** Counts an operation as in flight until the returned function is called. */
  private track(): () => void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => { release = resolve; });
    this.inFlight.add(done);
    return () => {
      this.inFlight.delete(done);
      release();
    };
  }

  private requireNative(): NativeModel {
    if (!this.native) throw new KokoroError(ErrorCode.Disposed, 'this KModel was disposed; load it again to use it');
    return this.native;
  }
}
