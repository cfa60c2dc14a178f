import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { KokoroModel } from '../KokoroModel.js';
import type { AdmissionControl } from './limits.js';

/** Why a synthesis stopped before its end. */
export type CancelReason = 'client_disconnect' | 'timeout' | 'shutdown';

/** The server's Prometheus metrics, in a registry of its own (several servers per process stay apart). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'kokoro_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'] as const, registers: [this.registry],
  });
  readonly audioSeconds = new Counter({ name: 'kokoro_audio_seconds_total', help: 'Seconds of audio produced', registers: [this.registry] });
  readonly chunks = new Counter({
    name: 'kokoro_chunks_synthesized_total', help: 'Chunks (sentences) the model synthesized, including those made ahead and dropped on cancellation', registers: [this.registry],
  });
  readonly cancelled = new Counter({
    name: 'kokoro_cancelled_total', help: 'Syntheses stopped before their end, by reason', labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'kokoro_rejected_total', help: 'Requests refused before synthesis, by error code', labelNames: ['code'] as const, registers: [this.registry],
  });
  readonly timeToFirstByte = new Histogram({
    name: 'kokoro_time_to_first_byte_seconds', help: 'From request to the first audio byte sent',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'kokoro_request_duration_seconds', help: 'Total time of speech requests', labelNames: ['route'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120], registers: [this.registry],
  });
  readonly realtimeFactor = new Histogram({
    name: 'kokoro_realtime_factor', help: 'Synthesis wall time divided by audio duration, per request (below 1 is faster than real time)',
    buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5], registers: [this.registry],
  });

  constructor(admission: AdmissionControl, model: () => KokoroModel | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'kokoro_process_' });
    new Gauge({
      name: 'kokoro_in_flight', help: 'Syntheses running in this server', registers: [this.registry],
      collect() { this.set(admission.running); },
    });
    new Gauge({
      name: 'kokoro_queue_depth', help: 'Requests waiting for a synthesis slot in this server plus the engine queue', registers: [this.registry],
      collect() { this.set(admission.queued + (model()?.stats()?.queued ?? 0)); },
    });
    new Gauge({
      name: 'kokoro_engine_batch_passes', help: 'Forward passes of the engine by batch size',
      labelNames: ['size'] as const, registers: [this.registry],
      collect() {
        const stats = model()?.stats();
        stats?.batchSizeCounts.forEach((count, size) => { if (size > 0 && count > 0) this.set({ size: String(size) }, count); });
      },
    });
    new Gauge({
      name: 'kokoro_engine', help: 'Engine counters from model.stats()',
      labelNames: ['stat'] as const, registers: [this.registry],
      collect() {
        const stats = model()?.stats();
        if (!stats) return;
        for (const key of ['executors', 'threadsPerExecutor', 'adaptiveCores', 'threadsInUse', 'queued', 'running', 'submitted', 'completed', 'failed', 'cancelled', 'rejected', 'batches', 'audioSeconds'] as const) {
          this.set({ stat: key }, stats[key]);
        }
        this.set({ stat: 'predictSeconds' }, stats.stageSeconds.predict);
        this.set({ stat: 'decodeSeconds' }, stats.stageSeconds.decode);
        this.set({ stat: 'firstAudioWaiting' }, stats.firstAudio.waiting);
        this.set({ stat: 'firstAudioShortened' }, stats.firstAudio.shortened);
      },
    });
  }
}
