import { ServiceError, ServiceErrorCode } from './errors.js';

interface Waiter { grant: () => void; fail: (error: unknown) => void }

/**
 * Per-server admission: at most `maxConcurrent` syntheses run, at most `maxQueue` wait; beyond
 * that a request is refused with 429 and a Retry-After estimated from recent request times.
 */
export class AdmissionControl {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private averageSeconds = 1;

  constructor(readonly maxConcurrent: number, readonly maxQueue: number) {}

  get running(): number { return this.active; }
  get queued(): number { return this.waiting.length; }
  /** True when a new request would be refused. */
  get saturated(): boolean { return this.active >= this.maxConcurrent && this.waiting.length >= this.maxQueue; }

  /** Seconds until a slot is likely free. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.averageSeconds * (this.waiting.length + 1) / this.maxConcurrent));
  }

  /** Waits for a slot; the returned function gives it back. Aborting the signal leaves the queue. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.active < this.maxConcurrent) return this.grant();
    if (this.waiting.length >= this.maxQueue) {
      throw new ServiceError(ServiceErrorCode.QueueFull,
        `server busy: ${this.active} requests running and ${this.waiting.length} queued (maxConcurrent ${this.maxConcurrent}, maxQueue ${this.maxQueue}); retry later`,
        429, this.retryAfterSeconds());
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => { signal.removeEventListener('abort', onAbort); resolve(); },
        fail: reject,
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
    return this.grant(true);
  }

  private grant(alreadyCounted = false): () => void {
    if (!alreadyCounted) this.active++;
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.averageSeconds = 0.8 * this.averageSeconds + 0.2 * ((performance.now() - started) / 1000);
      const next = this.waiting.shift();
      if (next) next.grant(); // the slot passes straight to the next request
      else this.active--;
    };
  }
}
