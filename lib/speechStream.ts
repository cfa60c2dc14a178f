import { ErrorCode, KokoroError, toKokoroError } from './errors.js';
import type { NativeStream, NativeStreamChunk } from './native/binding.js';

/**
 * Adapts a native stream (chunks pushed from its producer thread) to an async iterator.
 * Each `next()` grants the producer one chunk of credit, so native work stays `lookahead`
 * chunks ahead of the consumer at most; `return()` (a `break` out of `for await`), an abort
 * signal, or garbage collection of the iterator cancel the producer.
 */
export function iterateNativeStream(
  start: (onEvent: (kind: string, payload?: unknown) => void) => NativeStream,
  signal?: AbortSignal,
): AsyncIterableIterator<NativeStreamChunk> & { readonly produced: number } {
  // State reachable from the native callback; the iterator object itself is not, so that
  // dropping the iterator lets the registry below cancel the stream.
  const state = {
    buffer: [] as NativeStreamChunk[],
    done: false,
    error: undefined as KokoroError | undefined,
    waiter: undefined as undefined | { resolve: (r: IteratorResult<NativeStreamChunk>) => void; reject: (e: unknown) => void },
    native: undefined as NativeStream | undefined,
  };
  const settle = () => {
    const waiter = state.waiter;
    if (!waiter) return;
    if (state.buffer.length > 0) {
      state.waiter = undefined;
      state.native?.unref();
      waiter.resolve({ value: state.buffer.shift()!, done: false });
    } else if (state.error) {
      state.waiter = undefined;
      state.native?.unref();
      waiter.reject(state.error);
    } else if (state.done) {
      state.waiter = undefined;
      state.native?.unref();
      waiter.resolve({ value: undefined, done: true });
    }
  };
  const onEvent = (kind: string, payload?: unknown) => {
    if (kind === 'chunk') state.buffer.push(payload as NativeStreamChunk);
    else if (kind === 'error') state.error = toKokoroError(payload);
    else state.done = true;
    settle();
  };
  let native: NativeStream;
  try {
    native = start(onEvent);
  } catch (error) {
    throw toKokoroError(error);
  }
  state.native = native;
  const cancel = () => {
    native.cancel();
    state.done = true;
    state.buffer.length = 0;
    settle();
  };
  const onAbort = () => {
    cancel();
    state.error ??= new KokoroError(ErrorCode.Aborted, 'speech generation was aborted');
    settle();
  };
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const finish = () => {
    signal?.removeEventListener('abort', onAbort);
    registry.unregister(iterator);
  };

  const iterator = {
    get produced() {
      return native.produced();
    },
    next(): Promise<IteratorResult<NativeStreamChunk>> {
      if (state.waiter) return Promise.reject(new KokoroError(ErrorCode.InvalidArgument, 'next() called while another next() is pending'));
      native.grant(1);
      return new Promise<IteratorResult<NativeStreamChunk>>((resolve, reject) => {
        state.waiter = { resolve, reject };
        native.ref();
        settle();
      }).then((result) => {
        if (result.done) finish();
        return result;
      }, (error: unknown) => {
        finish();
        throw error;
      });
    },
    return(): Promise<IteratorResult<NativeStreamChunk>> {
      cancel();
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  registry.register(iterator, native, iterator);
  return iterator;
}

// An iterator dropped without being finished cancels its producer.
const registry = new FinalizationRegistry<NativeStream>((native) => native.cancel());
