import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { WavFileWriter, type SampleFormat } from '../audio/wav.js';
import { ErrorCode, KokoroError } from '../errors.js';
import type { KokoroModel } from '../KokoroModel.js';
import { SAMPLE_RATE } from '../KModel.js';

/** One line of a batch input file. */
export interface BatchItem {
  /** Names the output file: `<id>.wav`. Letters, digits, `.`, `_`, `-`. */
  id: string;
  text: string;
  voice: string;
  lang: string;
  speed: number;
  /** 1-based line number in the input. */
  line: number;
}

export interface BatchFailure {
  line: number;
  id?: string;
  message: string;
  code: string;
}

export interface BatchProgress {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  audioSeconds: number;
  elapsedSeconds: number;
  /** Audio seconds per wall second so far. */
  realtimeFactor: number;
  /** Estimated seconds until the last item is written (undefined before the first one). */
  etaSeconds: number | undefined;
}

export interface BatchRunOptions {
  model: KokoroModel;
  input: string;
  outDir: string;
  /** Items synthesised at once: enough to fill the executor's batches. */
  concurrency: number;
  format?: SampleFormat;
  onProgress?: (progress: BatchProgress) => void;
  onFailure?: (failure: BatchFailure) => void;
}

export interface BatchSummary extends BatchProgress {
  failures: BatchFailure[];
}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;

/** Parses one JSONL line; throws a KokoroError naming the fault. */
export function parseBatchLine(text: string, line: number): BatchItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KokoroError(ErrorCode.InvalidArgument, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KokoroError(ErrorCode.InvalidArgument, 'each line must be a JSON object {id, text, voice, lang, speed}');
  }
  const record = value as Record<string, unknown>;
  const id = typeof record.id === 'number' ? String(record.id) : record.id;
  if (typeof id !== 'string' || !ID_PATTERN.test(id) || id === '.' || id === '..') {
    throw new KokoroError(ErrorCode.InvalidArgument, 'id must be a string of letters, digits, ".", "_" or "-" (it names the output file)');
  }
  if (typeof record.text !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, 'text must be a string');
  const voice = record.voice ?? 'af_heart';
  if (typeof voice !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, 'voice must be a string');
  const lang = record.lang ?? (/^[abefhijpz][fm]_/.test(voice) ? voice[0] : 'a');
  if (typeof lang !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, 'lang must be a string');
  const speed = record.speed ?? 1;
  if (typeof speed !== 'number') throw new KokoroError(ErrorCode.InvalidArgument, 'speed must be a number');
  return { id, text: record.text, voice, lang, speed, line };
}

/** Where an item's audio goes; it exists only once complete (written aside, then renamed). */
export function outputPath(outDir: string, id: string): string {
  return join(outDir, `${id}.wav`);
}

async function synthesizeItem(model: KokoroModel, item: BatchItem, outDir: string, format: SampleFormat): Promise<number> {
  const target = outputPath(outDir, item.id);
  const partial = `${target}.partial`;
  const writer = await WavFileWriter.create(partial, { format });
  let samples = 0;
  try {
    for await (const chunk of model.generate(item.text, { voice: item.voice, lang: item.lang, speed: item.speed })) {
      await writer.write(chunk.audio);
      samples += chunk.audio.length;
    }
    await writer.close();
  } catch (error) {
    await writer.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, target);
  return samples / SAMPLE_RATE;
}

/**
 * Synthesises every line of a JSONL file into `<outDir>/<id>.wav`, many at once so that the
 * model's executor fills its batches. Ids whose file exists are skipped (resume); a failing line
 * is reported and the run goes on.
 */
export async function runBatchFile(options: BatchRunOptions): Promise<BatchSummary> {
  const { model, outDir } = options;
  const format = options.format ?? 'pcm16';
  const source = await readFile(options.input, 'utf8').catch((error: Error) => {
    throw new KokoroError(ErrorCode.FileNotFound, `cannot read ${options.input}: ${error.message}`);
  });
  await mkdir(outDir, { recursive: true });

  const failures: BatchFailure[] = [];
  const fail = (failure: BatchFailure) => {
    failures.push(failure);
    options.onFailure?.(failure);
  };
  const items: BatchItem[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  source.split('\n').forEach((text, index) => {
    if (!text.trim()) return;
    const line = index + 1;
    try {
      const item = parseBatchLine(text, line);
      if (seen.has(item.id)) throw new KokoroError(ErrorCode.InvalidArgument, `duplicate id "${item.id}"`);
      seen.add(item.id);
      if (existsSync(outputPath(outDir, item.id))) skipped += 1;
      else items.push(item);
    } catch (error) {
      const e = error as KokoroError;
      fail({ line, message: e.message, code: e.code ?? ErrorCode.Internal });
    }
  });

  const started = Date.now();
  let processed = 0;
  const progress: BatchProgress = {
    total: items.length + skipped + failures.length, done: 0, skipped, failed: failures.length,
    audioSeconds: 0, elapsedSeconds: 0, realtimeFactor: 0, etaSeconds: undefined,
  };
  const report = () => {
    progress.elapsedSeconds = (Date.now() - started) / 1000;
    progress.realtimeFactor = progress.elapsedSeconds > 0 ? progress.audioSeconds / progress.elapsedSeconds : 0;
    progress.etaSeconds = processed > 0 ? (progress.elapsedSeconds / processed) * (items.length - processed) : undefined;
    options.onProgress?.({ ...progress });
  };
  report();

  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        progress.audioSeconds += await synthesizeItem(model, item, outDir, format);
        progress.done += 1;
      } catch (error) {
        const e = error as KokoroError;
        progress.failed += 1;
        fail({ line: item.line, id: item.id, message: e.message, code: e.code ?? ErrorCode.Internal });
      }
      processed += 1;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker));
  report();
  return { ...progress, failures };
}
