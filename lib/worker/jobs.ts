import type { ResponseFormat } from '../audio/encoders/index.js';
import type { WordTiming } from '../server/synthesis.js';

/** The data of a speech job on the queue. */
export interface SpeechJobData {
  text: string;
  /** Kokoro voice, OpenAI voice name or mix (default af_heart). */
  voice?: string;
  /** Language code (default: the voice's). */
  lang?: string;
  speed?: number;
  /** Default wav. */
  format?: ResponseFormat;
  /** A file path on the worker's machine; without it the audio comes back base64-encoded in the result. */
  output?: string;
}

/** What a completed speech job returns. */
export interface SpeechJobResult {
  format: ResponseFormat;
  /** Seconds of audio. */
  seconds: number;
  /** The file written, when the job named one. */
  output?: string;
  /** The audio, base64, when the job named no file. */
  audio?: string;
  words: WordTiming[];
}
