import { createEncoder, type AudioEncoder } from '../audio/encoders/index.js';
import { SAMPLE_RATE } from '../KModel.js';
import type { GenerateOptions, GenerateResult, KokoroModel } from '../KokoroModel.js';
import type { SpeechParams } from './request.js';

/** A word with its time in the whole output, in seconds. */
export interface WordTiming { word: string; phonemes: string; start_time: number; end_time: number }

export interface SynthesisSummary {
  audioSeconds: number;
  /** Chunks the model made (including any made ahead of a cancellation). */
  produced: number;
  words: WordTiming[];
  phonemes: string;
}

/** A running synthesis: encoded bytes flow out of `encoder.output` while it runs. */
export interface Synthesis {
  encoder: AudioEncoder;
  /** Settles once the first chunk is in the encoder (or the text had none): errors before any audio land here. */
  started: Promise<void>;
  /** Settles when all audio is in the encoder. */
  done: Promise<SynthesisSummary>;
  /** Filled in as the synthesis runs (also when it fails or is cancelled). */
  summary: SynthesisSummary;
}

export interface SynthesisOptions {
  signal: AbortSignal;
  ffmpegPath?: string;
  /** Wants word timings (captioned speech, worker results). */
  timings?: boolean;
  onChunk?: (chunk: GenerateResult, audioSeconds: number) => void;
}

function applyVolume(audio: Float32Array, volume: number): Float32Array {
  if (volume === 1) return audio;
  const out = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) out[i] = audio[i]! * volume;
  return out;
}

/**
 * Starts speaking `params` into an encoder of its format. Aborting `signal` stops the model at
 * once (native work included) and destroys the encoder.
 */
export async function startSynthesis(model: KokoroModel, params: SpeechParams, options: SynthesisOptions): Promise<Synthesis> {
  const encoder = await createEncoder(params.format, { ffmpegPath: options.ffmpegPath, sampleRate: SAMPLE_RATE });
  const generateOptions: GenerateOptions & { normalization?: Record<string, unknown> } = {
    voice: params.voice, lang: params.lang, speed: params.speed, signal: options.signal,
  };
  // Handed on for a model whose front end normalizes text; a model without it ignores the field.
  if (params.normalization) generateOptions.normalization = params.normalization;
  const stream = model.generate(params.input, generateOptions);
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => { markStarted = resolve; });
  const summary: SynthesisSummary = { audioSeconds: 0, produced: 0, words: [], phonemes: '' };
  const run = async (): Promise<SynthesisSummary> => {
    try {
      for await (const chunk of stream) {
        const offset = summary.audioSeconds;
        if (options.timings) {
          for (const w of chunk.words) {
            summary.words.push({ word: w.text ?? w.phonemes, phonemes: w.phonemes, start_time: offset + w.start, end_time: offset + w.end });
          }
          summary.phonemes += (summary.phonemes ? ' ' : '') + chunk.phonemes;
        }
        summary.audioSeconds += chunk.audio.length / SAMPLE_RATE;
        summary.produced = stream.produced;
        options.onChunk?.(chunk, summary.audioSeconds);
        const written = encoder.write(applyVolume(chunk.audio, params.volume));
        // Started before the write completes: the encoder's output is only read once the caller knows.
        markStarted();
        await written;
      }
      // An abort while the stream waits for its next chunk can end the iteration quietly: still a cancellation.
      options.signal.throwIfAborted();
      encoder.end();
      return summary;
    } catch (error) {
      encoder.destroy();
      throw error;
    } finally {
      summary.produced = stream.produced;
    }
  };
  const done = run();
  // `started` fails with the synthesis when no audio was made yet: the caller can still answer with an error.
  const startedOrFailed = Promise.race([started, done.then(() => undefined)]);
  // Both are observed by whoever needs them; unobserved, a failure must not be an unhandled rejection.
  done.catch(() => {});
  startedOrFailed.catch(() => {});
  return { encoder, started: startedOrFailed, done, summary };
}
