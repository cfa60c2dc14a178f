import { ErrorCode, KokoroError } from '../errors.js';
import { resolveLanguage } from '../languages.js';
import { isResponseFormat, RESPONSE_FORMATS, type ResponseFormat } from '../audio/encoders/index.js';
import { voiceLanguage, type VoiceCatalog } from './voices.js';

/** Model names the speech API accepts; all are Kokoro v1.0. */
export const MODEL_NAMES = ['kokoro', 'tts-1', 'tts-1-hd'] as const;

/** One synthesis, validated: what the server and the worker hand to the model. */
export interface SpeechParams {
  input: string;
  /** A Kokoro voice spec (OpenAI names already mapped). */
  voice: string;
  /** Kokoro language code. */
  lang: string;
  speed: number;
  format: ResponseFormat;
  /** Gain applied to the samples (clipped to [-1, 1] when encoded). */
  volume: number;
  /** Passed to the model's text normalization when its API has one; ignored otherwise. */
  normalization?: Record<string, unknown>;
}

export interface SpeechLimits {
  /** Longest accepted input, in characters. */
  maxInputChars: number;
}

function invalid(message: string): KokoroError {
  return new KokoroError(ErrorCode.InvalidArgument, message);
}

function optionalNumber(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Fields shared by the speech API and worker jobs, checked in one place. */
export interface RawSpeech {
  input: unknown;
  voice: unknown;
  lang?: unknown;
  speed?: unknown;
  format?: unknown;
  volume?: unknown;
  normalization?: unknown;
}

/** Validates a synthesis request; every failure is a typed 4xx error naming the field. */
export function parseSpeech(raw: RawSpeech, catalog: VoiceCatalog, limits: SpeechLimits, defaultFormat: ResponseFormat = 'mp3'): SpeechParams {
  if (typeof raw.input !== 'string') throw invalid('input must be a string: the text to speak');
  if (raw.input.trim() === '') throw invalid('input is empty: give the text to speak');
  if (raw.input.length > limits.maxInputChars) {
    throw new KokoroError(ErrorCode.InputTooLong,
      `input has ${raw.input.length} characters; this server accepts at most ${limits.maxInputChars} per request (split the text)`);
  }
  const format = raw.format ?? defaultFormat;
  if (!isResponseFormat(format)) throw invalid(`response_format must be one of ${RESPONSE_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  const voice = catalog.resolve(raw.voice);
  if (raw.lang !== undefined && raw.lang !== null && typeof raw.lang !== 'string') throw invalid('lang_code must be a string such as a, b, en-us, ja');
  const lang = resolveLanguage((raw.lang as string | undefined | null) ?? voiceLanguage(voice)).code;
  if (raw.normalization !== undefined && raw.normalization !== null && (typeof raw.normalization !== 'object' || Array.isArray(raw.normalization))) {
    throw invalid('normalization_options must be an object');
  }
  return {
    input: raw.input, voice, lang, format,
    speed: optionalNumber(raw.speed, 'speed', 1, 0.25, 4),
    volume: optionalNumber(raw.volume, 'volume_multiplier', 1, 0, 10),
    normalization: (raw.normalization ?? undefined) as Record<string, unknown> | undefined,
  };
}

/** The body of `POST /v1/audio/speech`: OpenAI's fields and the Kokoro extensions. */
export interface SpeechBody {
  model?: unknown;
  input?: unknown;
  voice?: unknown;
  response_format?: unknown;
  speed?: unknown;
  instructions?: unknown;
  lang_code?: unknown;
  stream?: unknown;
  volume_multiplier?: unknown;
  normalization_options?: unknown;
}

/** `POST /v1/audio/speech` (and captioned speech) body → params and the stream flag. */
export function parseSpeechBody(body: unknown, catalog: VoiceCatalog, limits: SpeechLimits): SpeechParams & { stream: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON object');
  const b = body as SpeechBody;
  if (b.model !== undefined && !(MODEL_NAMES as readonly unknown[]).includes(b.model)) {
    throw invalid(`model must be one of ${MODEL_NAMES.join(', ')} (all are Kokoro v1.0), got ${JSON.stringify(b.model)}`);
  }
  if (b.stream !== undefined && typeof b.stream !== 'boolean') throw invalid('stream must be true or false');
  // `instructions` (OpenAI's voice steering) has no Kokoro equivalent: accepted and ignored.
  const params = parseSpeech({
    input: b.input, voice: b.voice, lang: b.lang_code, speed: b.speed, format: b.response_format,
    volume: b.volume_multiplier, normalization: b.normalization_options,
  }, catalog, limits);
  return { ...params, stream: b.stream ?? true };
}
