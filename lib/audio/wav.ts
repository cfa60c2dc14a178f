import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

import { ErrorCode, KokoroError } from '../errors.js';

/** Sample encodings of the writers. */
export type SampleFormat = 'pcm16' | 'float32';

export interface AudioFormat {
  /** Defaults to 24000 (Kokoro's rate). */
  sampleRate?: number;
  /** `pcm16` (16-bit integer, the default) or `float32`. */
  format?: SampleFormat;
}

/** Float samples in [-1, 1] as little-endian bytes of the format (pcm16 clips and rounds). */
export function encodeSamples(samples: Float32Array, format: SampleFormat): Buffer {
  if (format === 'float32') {
    const out = Buffer.alloc(samples.length * 4);
    for (let i = 0; i < samples.length; i++) out.writeFloatLE(samples[i]!, i * 4);
    return out;
  }
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out.writeInt16LE(Math.round(s < 0 ? s * 0x8000 : s * 0x7fff), i * 2);
  }
  return out;
}

/**
 * The 44-byte RIFF/WAVE header of mono audio. `dataBytes` undefined writes the largest sizes,
 * the usual convention for a stream whose length is not known yet (players read to the end).
 */
export function wavHeader(dataBytes: number | undefined, sampleRate = 24000, format: SampleFormat = 'pcm16'): Buffer {
  const bytesPerSample = format === 'float32' ? 4 : 2;
  const header = Buffer.alloc(44);
  const data = dataBytes === undefined ? 0xffffffff - 36 : dataBytes;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, 36 + data), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format === 'float32' ? 3 : 1, 20); // 3 = IEEE float, 1 = PCM
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * bytesPerSample, 28);
  header.writeUInt16LE(bytesPerSample, 32);
  header.writeUInt16LE(bytesPerSample * 8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return header;
}

/**
 * Writes a WAV file from a stream of chunks: the header goes first, its sizes are fixed up on
 * `close()`, so the file is valid as soon as it is closed and playable while it grows.
 */
export class WavFileWriter implements AsyncDisposable {
  private bytes = 0;
  private constructor(private readonly file: FileHandle, readonly path: string,
    private readonly sampleRate: number, private readonly format: SampleFormat) {}

  static async create(path: string, options: AudioFormat = {}): Promise<WavFileWriter> {
    let file: FileHandle;
    try {
      file = await open(path, 'w');
    } catch (error) {
      throw new KokoroError(ErrorCode.FileUnreadable, `cannot write ${path}: ${(error as Error).message}`);
    }
    const writer = new WavFileWriter(file, path, options.sampleRate ?? 24000, options.format ?? 'pcm16');
    await file.write(wavHeader(undefined, writer.sampleRate, writer.format), 0, 44, 0);
    return writer;
  }

  /** Appends samples. */
  async write(samples: Float32Array): Promise<void> {
    const data = encodeSamples(samples, this.format);
    await this.file.write(data, 0, data.length, 44 + this.bytes);
    this.bytes += data.length;
  }

  /** Samples written so far. */
  get samples(): number {
    return this.bytes / (this.format === 'float32' ? 4 : 2);
  }

  /** Writes the final sizes into the header and closes the file. */
  async close(): Promise<void> {
    await this.file.write(wavHeader(this.bytes, this.sampleRate, this.format), 0, 44, 0);
    await this.file.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Writes audio chunks to a byte stream (stdout, a socket, an HTTP response): a WAV header with
 * streaming sizes first (`container: 'wav'`) or nothing (`'raw'`), then the samples.
 */
export class AudioStreamWriter {
  private started = false;
  constructor(private readonly out: Writable, private readonly options: AudioFormat & { container?: 'wav' | 'raw' } = {}) {}

  /** Writes one chunk, waiting for the stream to drain when it is full. */
  async write(samples: Float32Array): Promise<void> {
    const format = this.options.format ?? 'pcm16';
    if (!this.started) {
      this.started = true;
      if ((this.options.container ?? 'wav') === 'wav') await this.push(wavHeader(undefined, this.options.sampleRate ?? 24000, format));
    }
    await this.push(encodeSamples(samples, format));
  }

  private push(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const ok = this.out.write(bytes, (error) => { if (error) reject(error); });
      if (ok) resolve();
      else this.out.once('drain', resolve);
    });
  }
}
