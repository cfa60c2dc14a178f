import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { UnrecoverableError, Worker, type Job } from 'bullmq';

import { KokoroError } from '../errors.js';
import type { EngineOptions } from '../engineOptions.js';
import type { Device } from '../KModel.js';
import type { KokoroModel } from '../KokoroModel.js';
import { ModelManager } from '../ModelManager.js';
import { MODEL_VERSIONS } from '../paths.js';
import { toErrorReply } from '../server/errors.js';
import { parseSpeech, type SpeechParams } from '../server/request.js';
import { startSynthesis } from '../server/synthesis.js';
import { VoiceCatalog } from '../server/voices.js';
import type { SpeechJobData, SpeechJobResult } from './jobs.js';
import { redisConnection } from './redis.js';

export interface SpeechWorkerOptions {
  /** `redis://host:port[/db]`. */
  redis: string;
  /** The BullMQ queue name. */
  queue: string;
  modelsDir?: string;
  device?: Device;
  /** Intra-op threads per inference, or `'adaptive'` ({@link EngineOptions.threads}). */
  threads?: EngineOptions['threads'];
  /** Jobs run at once by this worker (default 1). */
  concurrency?: number;
  /** Longest text per job in characters (default 100000). */
  maxInputChars?: number;
  ffmpegPath?: string;
  /** BullMQ lock duration: a worker silent for this long is presumed dead and its job is taken over (default 30000 ms). */
  lockDurationMs?: number;
  /** How often this worker looks for jobs of dead workers (default 30000 ms). */
  stalledIntervalMs?: number;
}

/**
 * Consumes speech jobs from a BullMQ queue: each job's text becomes audio in a file or in the
 * job's result. Progress goes to BullMQ; failures are retried by the job's own `attempts` and
 * `backoff` (bad input fails at once: retrying cannot help).
 */
export class SpeechWorker {
  readonly worker: Worker<SpeechJobData, SpeechJobResult>;
  private readonly manager: ModelManager;
  private readonly catalog: VoiceCatalog;
  private model: Promise<KokoroModel> | undefined;

  constructor(private readonly options: SpeechWorkerOptions) {
    this.manager = new ModelManager({ modelsDir: options.modelsDir, device: options.device, threads: options.threads });
    this.catalog = new VoiceCatalog(join(this.manager.modelsDir, MODEL_VERSIONS['v1.0'].folder, 'voices'));
    this.worker = new Worker<SpeechJobData, SpeechJobResult>(options.queue, (job) => this.process(job), {
      connection: redisConnection(options.redis),
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      autorun: true,
    });
  }

  /** Loads the model (once); jobs wait for it. */
  loadModel(): Promise<KokoroModel> {
    this.model ??= this.manager.getModel('v1.0');
    this.model.catch(() => { this.model = undefined; });
    return this.model;
  }

  private params(data: SpeechJobData): SpeechParams {
    try {
      return parseSpeech({ input: data?.text, voice: data?.voice ?? 'af_heart', lang: data?.lang, speed: data?.speed, format: data?.format ?? 'wav' },
        this.catalog, { maxInputChars: this.options.maxInputChars ?? 100_000 });
    } catch (error) {
      throw new UnrecoverableError(`${(error as Error).message} [${(error as KokoroError).code}]`);
    }
  }

  private async process(job: Job<SpeechJobData, SpeechJobResult>): Promise<SpeechJobResult> {
    const params = this.params(job.data);
    const model = await this.loadModel();
    const totalBytes = Math.max(1, Buffer.byteLength(params.input));
    const controller = new AbortController();
    const run = await startSynthesis(model, params, {
      signal: controller.signal, ffmpegPath: this.options.ffmpegPath, timings: true,
      onChunk: (chunk) => { void job.updateProgress(Math.min(99, Math.round((100 * chunk.textRange[1]) / totalBytes))); },
    });
    try {
      let output: string | undefined;
      let audio: string | undefined;
      if (job.data.output) {
        output = resolve(job.data.output);
        // Written beside the target and renamed when complete: a file at `output` is always whole.
        const partial = join(dirname(output), `.${basename(output)}.${randomUUID()}.part`);
        try {
          await Promise.all([pipeline(run.encoder.output, createWriteStream(partial)), run.done]);
          await rename(partial, output);
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
      } else {
        const parts: Buffer[] = [];
        await Promise.all([(async () => { for await (const part of run.encoder.output) parts.push(part as Buffer); })(), run.done]);
        audio = run.encoder.finalize(Buffer.concat(parts)).toString('base64');
      }
      await job.updateProgress(100);
      return { format: params.format, seconds: run.summary.audioSeconds, output, audio, words: run.summary.words };
    } catch (error) {
      controller.abort();
      const reply = toErrorReply(error);
      // The caller's fault (4xx) is not retried; the rest follows the job's retry policy.
      if (reply.status >= 400 && reply.status < 500) throw new UnrecoverableError(`${reply.body.error.message} [${reply.body.error.code}]`);
      throw error;
    }
  }

  /** Finishes the running jobs, then disconnects and frees the model. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.manager.dispose();
  }
}

/** A worker consuming `options.queue`; it runs until `close()`. */
export function createWorker(options: SpeechWorkerOptions): SpeechWorker {
  return new SpeechWorker(options);
}
