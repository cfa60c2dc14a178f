import type { EngineOptions } from '../engineOptions.js';
import type { Device } from '../KModel.js';
import type { KokoroModel } from '../KokoroModel.js';

/** Options of {@link createServer}; every one has a default. */
export interface ServerOptions {
  /** Models folder (default: `KOKORO_MODELS_DIR`, else the download cache). */
  modelsDir?: string;
  device?: Device;
  /** Intra-op threads per inference, or `'adaptive'` ({@link EngineOptions.threads}). */
  threads?: EngineOptions['threads'];
  /** Serve this already loaded v1.0 model instead of loading it (the server will not dispose it); voices are still listed from `modelsDir`. */
  model?: KokoroModel;
  /** Default `127.0.0.1` (`0.0.0.0` to listen on every interface). */
  host?: string;
  /** Default 8880; 0 picks a free port. */
  port?: number;
  /** Accepted `Authorization: Bearer` keys; default: `KOKORO_API_KEYS` (comma-separated); none = no authentication. */
  apiKeys?: string[];
  /** CORS: off (`false`, default), every origin (`true`), or the allowed origins. */
  cors?: boolean | string | string[];
  /** Longest input in characters (default 10000); longer is 413 `KOKORO_INPUT_TOO_LONG`. */
  maxInputChars?: number;
  /** Largest request body in bytes (default 1 MiB); larger is 413 `KOKORO_PAYLOAD_TOO_LARGE`. */
  bodyLimitBytes?: number;
  /** Syntheses running at once (default 4). */
  maxConcurrent?: number;
  /** Requests waiting for a slot (default 32); beyond it, 429 with Retry-After. */
  maxQueue?: number;
  /** Longest a speech request may take, queueing included (default 120000 ms); then 504 `KOKORO_TIMEOUT` or the stream is cut. */
  requestTimeoutMs?: number;
  /** On close (SIGTERM): how long in-flight requests may finish before they are cancelled (default 10000 ms). */
  shutdownTimeoutMs?: number;
  /** ffmpeg for mp3/opus/aac/flac (default: `KOKORO_FFMPEG`, else `ffmpeg` on the PATH). */
  ffmpegPath?: string;
  /** Serve the playground page at `/` (default true). */
  playground?: boolean;
  /** Log requests as JSON lines on stdout (fastify's logger; default false). */
  logger?: boolean;
}

export type ResolvedServerOptions = Required<Omit<ServerOptions, 'modelsDir' | 'device' | 'threads' | 'model' | 'ffmpegPath'>>
  & Pick<ServerOptions, 'modelsDir' | 'device' | 'threads' | 'model' | 'ffmpegPath'>;

function positive(value: number, name: string, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new RangeError(`server option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  return value;
}

/** Options with their defaults, checked once. */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const envKeys = process.env.KOKORO_API_KEYS?.split(',').map((k) => k.trim()).filter(Boolean);
  return {
    ...options,
    host: options.host ?? '127.0.0.1',
    port: positive(options.port ?? 8880, 'port', true),
    apiKeys: options.apiKeys ?? envKeys ?? [],
    cors: options.cors ?? false,
    maxInputChars: positive(options.maxInputChars ?? 10_000, 'maxInputChars'),
    bodyLimitBytes: positive(options.bodyLimitBytes ?? 1024 * 1024, 'bodyLimitBytes'),
    maxConcurrent: positive(options.maxConcurrent ?? 4, 'maxConcurrent'),
    maxQueue: positive(options.maxQueue ?? 32, 'maxQueue', true),
    requestTimeoutMs: positive(options.requestTimeoutMs ?? 120_000, 'requestTimeoutMs'),
    shutdownTimeoutMs: positive(options.shutdownTimeoutMs ?? 10_000, 'shutdownTimeoutMs', true),
    playground: options.playground ?? true,
    logger: options.logger ?? false,
  };
}
