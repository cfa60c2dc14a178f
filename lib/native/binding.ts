import type { InferResult } from '../KModel.js';

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
  albertHeads: number;
  albertLayers: number;
  voiceRowRule: 'codepoints' | 'tokens';
  sizes: Record<string, number>;
  vocab: Record<string, number>;
}

/** What one inference returns; documented on the public type. */
export type NativeInferenceResult = InferResult;

export interface NativeModel {
  infer(phonemes: string, voice: Float32Array, speed: number, seed: number | undefined,
    withCurves: boolean): Promise<NativeInferenceResult>;
  save(path: string): Promise<void>;
  dispose(): void;
  info(): { device: string; threads: number; parameters: number };
}

export interface NativeStreamChunk extends NativeInferenceResult {
  index: number;
  graphemes: string;
  textStart: number;
  textEnd: number;
  phonemes: string;
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
}

export interface NativeBinding {
  loadModel(spec: NativeModelSpec): Promise<NativeModel>;
  readVoicePack(path: string): Promise<{ data: Float32Array; shape: number[] }>;
  inspectCheckpoint(path: string): Promise<Array<[string, number[]]>>;
  /** Starts producing speech; `espeakLanguage` or `phonemize` picks the front end. */
  startStream(model: NativeModel, text: string, voice: Float32Array, speed: number, seed: number | undefined,
    espeakLanguage: string | null, phonemize: ((text: string) => string) | null,
    onEvent: (kind: string, payload?: unknown) => void): NativeStream;
  /** espeak-ng phonemes (Kokoro symbols) of one text, off the main thread. */
  phonemize(text: string, espeakLanguage: string): Promise<string>;
  runtimeInfo(): NativeRuntimeInfo;
}
