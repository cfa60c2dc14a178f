import { PassThrough, type Readable } from 'node:stream';

import { ServiceError, ServiceErrorCode } from '../../server/errors.js';
import { encodeSamples, wavHeader } from '../wav.js';
import { assertFfmpegCanEncode, ffmpegPath, spawnFfmpeg } from './ffmpeg.js';
import { FORMATS, type ResponseFormat } from './formats.js';

export { FORMATS, RESPONSE_FORMATS, isResponseFormat, type FormatInfo, type ResponseFormat } from './formats.js';
export { ffmpegEncoders, ffmpegPath } from './ffmpeg.js';

export interface EncoderOptions {
  /** Defaults to 24000. */
  sampleRate?: number;
  /** The ffmpeg binary for mp3, opus, aac and flac (default: `KOKORO_FFMPEG`, else `ffmpeg`). */
  ffmpegPath?: string;
}

/**
 * Float audio in, encoded bytes out, chunk by chunk: `write` each chunk (it waits while the
 * reader of `output` is behind), then `end`. `output` ends once everything is encoded.
 */
export interface AudioEncoder {
  readonly format: ResponseFormat;
  readonly contentType: string;
  readonly output: Readable;
  write(samples: Float32Array): Promise<void>;
  end(): void;
  /** Stops encoding at once (the request was cancelled). */
  destroy(): void;
  /** A whole encoded file as it should be stored (WAV: with its real sizes in the header). */
  finalize(bytes: Buffer): Buffer;
}

/** An encoder of `format`; rejects with a 501 naming the fix when ffmpeg or its encoder is missing. */
export async function createEncoder(format: ResponseFormat, options: EncoderOptions = {}): Promise<AudioEncoder> {
  const sampleRate = options.sampleRate ?? 24000;
  if (format === 'wav' || format === 'pcm') return new PcmEncoder(format, sampleRate);
  const binary = ffmpegPath(options.ffmpegPath);
  await assertFfmpegCanEncode(format, binary);
  return new FfmpegEncoder(format, binary, sampleRate);
}

function writeWithBackpressure(stream: NodeJS.WritableStream & { destroyed?: boolean }, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    // A destroyed stream (a cancelled request) never drains: fail instead of waiting for ever.
    const closed = new Error('the encoder was closed');
    if (stream.destroyed) return reject(closed);
    const settle = (error?: Error) => {
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
      stream.removeListener('drain', onDrain);
      if (error) reject(error);
      else resolve();
    };
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(closed);
    const onDrain = () => settle();
    stream.once('error', onError);
    stream.once('close', onClose);
    if (stream.write(bytes)) settle();
    else stream.once('drain', onDrain);
  });
}

/** WAV (16-bit, streaming sizes in the header) and raw 16-bit little-endian PCM. */
class PcmEncoder implements AudioEncoder {
  readonly contentType: string;
  readonly output = new PassThrough();
  private started = false;

  constructor(readonly format: 'wav' | 'pcm', private readonly sampleRate: number) {
    this.contentType = FORMATS[format].contentType;
  }

  async write(samples: Float32Array): Promise<void> {
    if (!this.started && this.format === 'wav') await writeWithBackpressure(this.output, wavHeader(undefined, this.sampleRate));
    this.started = true;
    await writeWithBackpressure(this.output, encodeSamples(samples, 'pcm16'));
  }

  end(): void {
    if (!this.started && this.format === 'wav') this.output.write(wavHeader(0, this.sampleRate));
    this.output.end();
  }

  destroy(): void {
    this.output.destroy();
  }

  finalize(bytes: Buffer): Buffer {
    if (this.format !== 'wav' || bytes.length < 44) return bytes;
    const fixed = Buffer.from(bytes);
    wavHeader(bytes.length - 44, this.sampleRate).copy(fixed, 0);
    return fixed;
  }
}

/** mp3, opus (Ogg), aac (ADTS) and flac through one ffmpeg process per request, piped both ways. */
class FfmpegEncoder implements AudioEncoder {
  readonly contentType: string;
  readonly output = new PassThrough();
  private readonly process;
  private stderr = '';
  private failure: Error | undefined;

  constructor(readonly format: ResponseFormat, binary: string, sampleRate: number) {
    this.contentType = FORMATS[format].contentType;
    this.process = spawnFfmpeg(format, binary, sampleRate);
    this.process.stdout.pipe(this.output);
    this.process.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-2000); });
    // EPIPE on stdin after a cancellation is expected; a real failure shows in the exit code.
    this.process.stdin.on('error', () => {});
    this.process.on('error', (error) => this.fail(error.message));
    this.process.on('exit', (code, signal) => {
      if (code !== 0 && !this.output.destroyed) this.fail(`exited with ${code ?? signal}`);
    });
  }

  private fail(reason: string): void {
    this.failure = new ServiceError(ServiceErrorCode.EncoderFailed,
      `ffmpeg (${this.format}) failed: ${reason}${this.stderr ? `: ${this.stderr.trim()}` : ''}`, 500);
    this.output.destroy(this.failure);
  }

  async write(samples: Float32Array): Promise<void> {
    if (this.failure) throw this.failure;
    await writeWithBackpressure(this.process.stdin, encodeSamples(samples, 'pcm16'));
  }

  end(): void {
    this.process.stdin.end();
  }

  destroy(): void {
    this.process.kill('SIGKILL');
    this.output.destroy();
  }

  finalize(bytes: Buffer): Buffer {
    return bytes;
  }
}
