import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { Queue, type JobsOptions } from 'bullmq';

import { ErrorCode, KokoroError } from '../errors.js';
import type { SpeechJobData } from './jobs.js';
import { redisConnection } from './redis.js';

export interface ProducerOptions {
  redis: string;
  queue: string;
  /** Tries per job (default 3), with exponential backoff from `backoffMs` (default 1000). */
  attempts?: number;
  backoffMs?: number;
}

/** Adds speech jobs to a BullMQ queue. */
export class SpeechProducer implements AsyncDisposable {
  readonly queue: Queue<SpeechJobData>;
  private readonly jobOptions: JobsOptions;

  constructor(options: ProducerOptions) {
    this.queue = new Queue<SpeechJobData>(options.queue, { connection: redisConnection(options.redis) });
    this.jobOptions = {
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      removeOnComplete: false,
    };
  }

  /** Enqueues jobs; resolves to their ids. */
  async add(jobs: SpeechJobData[], options: JobsOptions = {}): Promise<string[]> {
    for (const [i, job] of jobs.entries()) {
      if (typeof job?.text !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, `job ${i + 1}: "text" must be a string`);
    }
    const added = await this.queue.addBulk(jobs.map((data) => ({ name: 'speech', data, opts: { ...this.jobOptions, ...options } })));
    return added.map((job) => job.id!);
  }

  /** Enqueues one job per line of a JSONL file (blank lines skipped); a bad line names its number and enqueues nothing. */
  async addJsonl(file: string): Promise<string[]> {
    const jobs: SpeechJobData[] = [];
    let line = 0;
    try {
      for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        line++;
        if (text.trim() === '') continue;
        try {
          jobs.push(JSON.parse(text) as SpeechJobData);
        } catch (error) {
          throw new KokoroError(ErrorCode.InvalidArgument, `${file}:${line}: not JSON (${(error as Error).message})`);
        }
      }
    } catch (error) {
      if (error instanceof KokoroError) throw error;
      throw new KokoroError(ErrorCode.FileNotFound, `cannot read ${file}: ${(error as Error).message}`);
    }
    return this.add(jobs);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
