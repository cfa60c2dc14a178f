import { ErrorCode, KokoroError } from './errors.js';
import type { NativeLimits } from './native/binding.js';
import { loadBinding } from './native/loadBinding.js';

/**
 * The bounds of one request, as the native side enforces them (it is their one source):
 * `maxTokens` phoneme tokens per inference (510), speed in [`minSpeed`, `maxSpeed`] (0.25–4),
 * at most `maxFrames` predicted frames (1/40 s each) per inference. Speed and seed are
 * validated natively; the request options JavaScript alone handles are checked here.
 */
export function limits(): NativeLimits {
  return loadBinding().limits;
}

/** An optional AbortSignal: a non-signal is KOKORO_INVALID_ARGUMENT, an aborted one KOKORO_ABORTED. */
export function checkSignal(signal: unknown): asserts signal is AbortSignal | undefined {
  if (signal === undefined) return;
  if (!(signal instanceof AbortSignal)) {
    throw new KokoroError(ErrorCode.InvalidArgument, 'signal must be an AbortSignal (e.g. from new AbortController())');
  }
  if (signal.aborted) throw new KokoroError(ErrorCode.Aborted, 'speech generation was aborted before it started');
}
