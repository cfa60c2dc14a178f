import { ErrorCode, KokoroError } from '../errors.js';

/**
 * Error codes of the server and the worker, beside the library's {@link ErrorCode}s. The engine
 * reports a full executor queue with `KOKORO_QUEUE_FULL` too; both are answered 429.
 */
export const ServiceErrorCode = {
  /** Missing or wrong API key. */
  Unauthorized: 'KOKORO_UNAUTHORIZED',
  /** The server's concurrency and queue limits are reached: retry after `Retry-After` seconds. */
  QueueFull: 'KOKORO_QUEUE_FULL',
  /** The request body is larger than the server accepts. */
  PayloadTooLarge: 'KOKORO_PAYLOAD_TOO_LARGE',
  /** The request ran past the server's request timeout. */
  Timeout: 'KOKORO_TIMEOUT',
  /** The response format needs an encoder (ffmpeg) this machine lacks. */
  EncoderUnavailable: 'KOKORO_ENCODER_UNAVAILABLE',
  /** An encoder failed while encoding. */
  EncoderFailed: 'KOKORO_ENCODER_FAILED',
  /** The server is shutting down and takes no new work. */
  ShuttingDown: 'KOKORO_SHUTTING_DOWN',
  /** The model is still loading. */
  NotReady: 'KOKORO_NOT_READY',
  /** No such route. */
  NotFound: 'KOKORO_NOT_FOUND',
} as const;

export type ServiceErrorCode = (typeof ServiceErrorCode)[keyof typeof ServiceErrorCode];

/** An error of the server or worker, carrying the HTTP status it is answered with. */
export class ServiceError extends Error {
  constructor(readonly code: ServiceErrorCode | ErrorCode, message: string, readonly status: number,
    readonly retryAfterSeconds?: number) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** HTTP status of each library error code: the caller's fault is 4xx, ours 5xx. */
const STATUS_OF_CODE: Record<string, number> = {
  [ErrorCode.InvalidArgument]: 400,
  [ErrorCode.BadVoice]: 400,
  [ErrorCode.VoiceNotFound]: 400,
  [ErrorCode.UnsupportedLanguage]: 400,
  [ErrorCode.InputTooLong]: 413,
  [ErrorCode.Aborted]: 499,
  [ErrorCode.Disposed]: 503,
  [ServiceErrorCode.QueueFull]: 429,
};

/** OpenAI's error `type` for a status. */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status < 500) return 'invalid_request_error';
  return 'server_error';
}

export interface ErrorReply {
  status: number;
  retryAfterSeconds?: number;
  body: { error: { message: string; type: string; code: string; param?: string } };
}

/** Any thrown value as an OpenAI-style error body with a KOKORO_* code and its status. */
export function toErrorReply(error: unknown): ErrorReply {
  let status = 500;
  let code: string = ErrorCode.Internal;
  let message = String((error as Error)?.message ?? error);
  let retryAfterSeconds: number | undefined;
  if (error instanceof ServiceError) {
    ({ status, code, retryAfterSeconds } = error);
  } else if (error instanceof KokoroError) {
    code = error.code;
    status = STATUS_OF_CODE[code] ?? 500;
    if (status === 429) retryAfterSeconds = 1;
  } else {
    const fastify = error as { statusCode?: number; code?: string; validation?: unknown };
    if (fastify?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      code = ServiceErrorCode.PayloadTooLarge;
      message = `${message}: send less text per request (the server's bodyLimit)`;
    } else if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      status = fastify.statusCode;
      code = ErrorCode.InvalidArgument;
    }
  }
  return { status, retryAfterSeconds, body: { error: { message, type: errorType(status), code } } };
}
