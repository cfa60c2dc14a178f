import { execFile, spawn } from 'node:child_process';

import { ServiceError, ServiceErrorCode } from '../../server/errors.js';
import { FORMATS, type ResponseFormat } from './formats.js';

/** The ffmpeg binary: the option, else `KOKORO_FFMPEG`, else `ffmpeg` on the PATH. */
export function ffmpegPath(option?: string): string {
  return option ?? process.env.KOKORO_FFMPEG ?? 'ffmpeg';
}

const probes = new Map<string, Promise<Set<string>>>();

/** The audio encoders an ffmpeg binary has (empty when it cannot be run), asked once per binary. */
export function ffmpegEncoders(binary: string): Promise<Set<string>> {
  let probe = probes.get(binary);
  if (!probe) {
    probe = new Promise((resolve) => {
      execFile(binary, ['-hide_banner', '-encoders'], { timeout: 10_000 }, (error, stdout) => {
        if (error) return resolve(new Set());
        const names = stdout.split('\n').map((line) => /^\s*A\S*\s+(\S+)/.exec(line)?.[1]).filter((n): n is string => !!n);
        resolve(new Set(names));
      });
    });
    probes.set(binary, probe);
  }
  return probe;
}

/** Throws a 501 naming the fix when `format` needs an encoder this ffmpeg lacks. */
export async function assertFfmpegCanEncode(format: ResponseFormat, binary: string): Promise<void> {
  const spec = FORMATS[format].ffmpeg;
  if (!spec) return;
  const encoders = await ffmpegEncoders(binary);
  if (encoders.has(spec.encoder)) return;
  const why = encoders.size === 0 ? `ffmpeg (${binary}) could not be run` : `ffmpeg (${binary}) has no ${spec.encoder} encoder`;
  throw new ServiceError(ServiceErrorCode.EncoderUnavailable,
    `response_format ${format} needs ffmpeg with the ${spec.encoder} encoder, but ${why}. ` +
    'Install it (Debian/Ubuntu: apt-get install ffmpeg) or point ffmpegPath / KOKORO_FFMPEG at one, or ask for wav or pcm.', 501);
}

/** Spawns ffmpeg reading 16-bit mono PCM at `sampleRate` on stdin and writing `format` on stdout. */
export function spawnFfmpeg(format: ResponseFormat, binary: string, sampleRate: number) {
  const spec = FORMATS[format].ffmpeg!;
  return spawn(binary, [
    '-hide_banner', '-loglevel', 'error',
    '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0',
    '-c:a', spec.encoder, ...spec.args, '-flush_packets', '1', '-f', spec.muxer, 'pipe:1',
  ], { stdio: ['pipe', 'pipe', 'pipe'] });
}
