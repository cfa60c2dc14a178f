/**
 * Every error kokoro-native throws is a {@link KokoroError} with a stable `code`: match on the
 * code, not on the message (messages name files and say what to do, and may be reworded).
 */
export const ErrorCode = {
  /** A file the operation needs does not exist. */
  FileNotFound: 'KOKORO_FILE_NOT_FOUND',
  /** A file exists but could not be read (permissions, I/O error). */
  FileUnreadable: 'KOKORO_FILE_UNREADABLE',
  /** A file is not in the expected format: not a torch zip, malformed, truncated. */
  BadFormat: 'KOKORO_BAD_FORMAT',
  /** The checkpoint's tensors do not fit the architecture: missing, unexpected, mis-shaped. */
  CheckpointMismatch: 'KOKORO_CHECKPOINT_MISMATCH',
  /** config.json is missing keys, has wrong types, or describes an unsupported structure. */
  BadConfig: 'KOKORO_BAD_CONFIG',
  /** A voice could not be loaded or has the wrong shape. */
  BadVoice: 'KOKORO_BAD_VOICE',
  /** The requested device (e.g. CUDA) is not available in this libtorch or machine. */
  DeviceUnavailable: 'KOKORO_DEVICE_UNAVAILABLE',
  /** An argument is out of range or of the wrong type. */
  InvalidArgument: 'KOKORO_INVALID_ARGUMENT',
  /** The phoneme input is longer than the model accepts (510 tokens). */
  InputTooLong: 'KOKORO_INPUT_TOO_LONG',
  /** The model was disposed. */
  Disposed: 'KOKORO_DISPOSED',
  /** libtorch failed while running the model. */
  InferenceFailed: 'KOKORO_INFERENCE_FAILED',
  /** Memory, threads or another system resource ran out; retry later or lower the concurrency. */
  ResourceExhausted: 'KOKORO_RESOURCE_EXHAUSTED',
  /** The native addon or one of its libraries (libtorch) could not be loaded. */
  NativeLoadFailed: 'KOKORO_NATIVE_LOAD_FAILED',
  /** A language code that is not one of Kokoro's (the message lists the valid ones). */
  UnsupportedLanguage: 'KOKORO_UNSUPPORTED_LANGUAGE',
  /** A voice name that matches no voice file (the message lists where it looked). */
  VoiceNotFound: 'KOKORO_VOICE_NOT_FOUND',
  /** A phonemizer (espeak-ng data, a dictionary) could not be initialised. */
  PhonemizerUnavailable: 'KOKORO_PHONEMIZER_UNAVAILABLE',
  /** A download failed (network, HTTP error, integrity check). */
  DownloadFailed: 'KOKORO_DOWNLOAD_FAILED',
  /** The model's request queue is full and it was loaded with `whenFull: 'reject'`. */
  QueueFull: 'KOKORO_QUEUE_FULL',
  /** Generation was stopped through an AbortSignal. */
  Aborted: 'KOKORO_ABORTED',
  /** A bug: please report it. */
  Internal: 'KOKORO_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The error type of kokoro-native. */
export class KokoroError extends Error {
  /** Stable, machine-readable reason; one of {@link ErrorCode}. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KokoroError';
    this.code = code;
  }
}

const knownCodes = new Set<string>(Object.values(ErrorCode));

/**
 * Turns whatever the native layer threw into a KokoroError, keeping the caller's stack: native
 * rejections carry no useful JS stack of their own.
 */
export function toKokoroError(error: unknown, callerStack?: string): KokoroError {
  let result: KokoroError;
  if (error instanceof KokoroError) {
    result = error;
  } else if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    result = new KokoroError(
      typeof code === 'string' && knownCodes.has(code) ? (code as ErrorCode) : ErrorCode.Internal,
      error.message,
      { cause: error },
    );
  } else {
    result = new KokoroError(ErrorCode.Internal, String(error));
  }
  if (callerStack) result.stack = `${result.name}: ${result.message}\n${callerStack.split('\n').slice(1).join('\n')}`;
  return result;
}

/** Runs a native call and converts its failure, keeping the stack of the call site. */
export async function nativeCall<T>(run: () => Promise<T>): Promise<T> {
  const callerStack = new Error().stack;
  try {
    return await run();
  } catch (error) {
    throw toKokoroError(error, callerStack);
  }
}
