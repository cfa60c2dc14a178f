import type { EngineStats, ResolvedEngineOptions } from '../engineOptions.js';

/**
 * The shape of the native addon. This is the only module that touches the raw binding; the
 * rest of the package goes through these types.
 */
export interface NativeModelSpec {
  architecture: string;
  checkpoint?: string;
  structureKey: string;
  device: string;
  threads: number;
  precision: string;
  albertHeads: number;
  albertLayers: number;
  voiceRowRule: 'codepoints' | 'tokens';
  executor: ResolvedEngineOptions;
  sizes: Record<string, number>;
  vocab: Record<string, number>;
}

/** What one inference returns (`KModel.infer`'s result). */
export interface InferResult {
  /** Mono audio at 24 kHz. */
  audio: Float32Array;
  /** Predicted frames (600 samples each) per token, both pads included. */
  durations: Int32Array;
  /** Token ids fed to the model, with the 0 pads. */
  tokenIds: Int32Array;
  /** Characters of the phoneme string that the vocab lacks (dropped, as the official code does). */
  droppedCharacters: string;
  /** Row of the voice pack that was used. */
  voiceRow: number;
  /** The seed used; pass it again to reproduce this audio. */
  seed: number;
  /** F0 curve in Hz, two values per frame (with `curves: true`). */
  f0?: Float32Array;
  /** Energy curve, two values per frame (with `curves: true`). */
  n?: Float32Array;
}

/**
 * A voice pack held natively, checked once when made (`createVoice`); requests share its memory
 * instead of copying the pack each time. A request in flight keeps the memory alive even if the
 * handle is disposed or collected meanwhile.
 */
export interface NativeVoice {
  /** Style rows (256 floats each). */
  rows(): number;
  /** The pack's floats, without a copy (writing to it changes the voice of later requests). */
  view(): Float32Array;
  /** Lets the memory go before garbage collection; later use throws KOKORO_DISPOSED. */
  dispose(): void;
}

/** What a request takes as its voice: a handle (no copy), or floats (checked and copied per call). */
export type NativeVoiceInput = NativeVoice | Float32Array;

export interface NativeModel {
  infer(phonemes: string, voice: NativeVoiceInput, speed: number | undefined, seed: number | undefined,
    withCurves: boolean, cancelId?: number): Promise<InferResult>;
  /** Cancels the infer() call that was given `cancelId`. */
  cancel(cancelId: number): void;
  save(path: string): Promise<void>;
  dispose(): void;
  info(): { device: string; threads: number; parameters: number; precision: 'fp32' | 'bf16' | 'fp16'; executors: number; adaptiveCores: number; batching: boolean };
  stats(): EngineStats;
}

export interface NativeStreamChunk extends InferResult {
  index: number;
  graphemes: string;
  textStart: number;
  textEnd: number;
  phonemes: string;
  /** [begin, end) UTF-8 byte offsets in `graphemes` per phoneme word, when the front end knows them (English). */
  wordSources?: Uint32Array;
}

export interface NativeStream {
  grant(units: number): void;
  cancel(): void;
  produced(): number;
  ref(): void;
  unref(): void;
}

export interface NativeRuntimeInfo {
  torchVersion: string;
  blas: string;
  blasLibrary: string;
  blasThreads: number;
  defaultThreads: number;
  cudaAvailable: boolean;
  cudaDeviceCount: number;
  parallelInfo: string;
  /** OpenBLAS's kernel set (e.g. `SkylakeX`, `Haswell`); empty when the BLAS is not OpenBLAS. */
  blasCoreType: string;
  /** oneDNN's version and the instruction set it runs (e.g. `oneDNN 2.6.3, Intel AVX-512 ... bfloat16`). */
  onednn: string;
  /** The CPU has native bf16 instructions (AVX512-BF16 or AMX-BF16): precision `auto` picks bf16. */
  cpuBf16: boolean;
  /** Allocator settings in effect: the tensor pool and malloc's (see README, "Memory"). */
  allocator: string;
  /** The fused CPU kernels in use, or `off (KOKORO_FUSED=0)` (see README, "Precision"). */
  fusedKernels: string;

  /** The pool of large CPU tensor blocks, or null when it is off (`KOKORO_TENSOR_POOL=0`). */
  tensorPool: TensorPoolInfo | null;
}

/** Counters of the pool of large CPU tensor blocks since the process started. */
export interface TensorPoolInfo {
  /** At most this many bytes of freed blocks are kept for reuse (`KOKORO_TENSOR_POOL_MIB`). */
  cacheLimitBytes: number;
  /** Bytes of the blocks tensors hold now. */
  liveBytes: number;
  /** Bytes of freed blocks kept for reuse now. */
  cachedBytes: number;
  /** Blocks mapped from the system. */
  maps: number;
  /** Requests served from the cache. */
  reuses: number;
  /** Requests the cache had no block of their size for, served by resizing a block the cache gave up (its pages stay resident). */
  recycles: number;
  /** Blocks given back to the system. */
  unmaps: number;
}

/** Bounds of one request, enforced natively (see lib/limits.ts). */
export interface NativeLimits {
  readonly maxTokens: number;
  readonly minSpeed: number;
  readonly maxSpeed: number;
  readonly maxFrames: number;
}

/** Settings of the native English front end (lexicon G2P). */
export interface NativeEnglishSettings {
  /** Path of the dialect's lexicon file (data/lexicon/en-us.lexicon or en-gb.lexicon). */
  lexicon: string;
  /** The user's words: exact spelling first, then lower case. */
  userLexicon?: Readonly<Record<string, string>>;
  /** Normalization families (all on when absent), or `false` for none. */
  normalization?: Record<string, boolean> | false;
  /** Heteronyms from the neighbouring words (default) or always the lexicon's DEFAULT (measurement). */
  guessPartOfSpeech?: boolean;
}

export interface NativeBinding {
  loadModel(spec: NativeModelSpec): Promise<NativeModel>;
  readVoicePack(path: string): Promise<{ data: Float32Array; shape: number[] }>;
  /** A checked copy of a voice pack's floats (`source` names it in errors): KOKORO_BAD_VOICE unless
   * it is rows of 256 finite floats. */
  createVoice(data: Float32Array, source: string): NativeVoice;
  inspectCheckpoint(path: string): Promise<Array<[string, number[]]>>;
  /** Starts producing speech; `espeakLanguage` or `phonemize` picks the front end. */
  startStream(model: NativeModel, text: string, voice: NativeVoiceInput, speed: number | undefined, seed: number | undefined,
    espeakLanguage: string | null, phonemize: ((text: string) => string) | null,
    onEvent: (kind: string, payload?: unknown) => void, english?: NativeEnglishSettings,
    firstChunkTokens?: number): NativeStream;
  /** Phonemes (Kokoro symbols) of one text from a native front end, off the main thread. */
  phonemize(text: string, language: string, english?: NativeEnglishSettings): Promise<string>;
  /** English text normalization ('a' or 'b'); `sourceOffset` holds UTF-8 byte offsets. */
  normalizeText(text: string, lang: 'a' | 'b', options: Record<string, boolean>): { text: string; sourceOffset: Uint32Array };
  runtimeInfo(): NativeRuntimeInfo;
  /** Test hook: the fused AdaIN + Snake kernel and libtorch's unfused ops on the same input
   * (x [B, C, T], gamma/beta [B, C], alpha [C], in `dtype`), both returned as float32. */
  fusedAdainSnakeProbe(x: Float32Array, shape: number[], gamma: Float32Array, beta: Float32Array,
    alpha: Float32Array, dtype: 'fp32' | 'bf16'): { fused: Float32Array; reference: Float32Array };
  /** Test hook: a tiled convolution operator (float32) at a given tile width against libtorch's
   * whole, unfused computation (native/napi/FusedProbe.h). */
  tiledConvolutionProbe(kind: 'snake' | 'transpose', options: Record<string, unknown>): { tiled: Float32Array; whole: Float32Array };
  /** Stops every model's executor threads (after their current pass): process exit only. */
  stopForExit(): void;
  readonly limits: NativeLimits;
}
