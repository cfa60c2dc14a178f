import { spawnSync } from 'node:child_process';

/** True when ffmpeg runs here (the encoded formats need it). */
export const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

/** The first bytes each format must start with. */
export function magicOf(bytes: Buffer): string {
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WAVE') return 'wav';
  if (bytes.subarray(0, 4).toString('latin1') === 'fLaC') return 'flac';
  if (bytes.subarray(0, 4).toString('latin1') === 'OggS' && bytes.includes(Buffer.from('OpusHead'))) return 'opus';
  if (bytes.subarray(0, 3).toString('latin1') === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe6) === 0xe2)) return 'mp3';
  if (bytes[0] === 0xff && (bytes[1]! & 0xf6) === 0xf0) return 'aac';
  return 'unknown';
}

/** Seconds of audio in an encoded file, decoded by ffmpeg (so the file must really decode). */
export function decodedSeconds(bytes: Buffer, format: string): number {
  const input = format === 'pcm' ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : [];
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...input, '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', '24000', 'pipe:1'],
    { input: bytes, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`ffmpeg could not decode the ${format} file: ${result.stderr.toString()}`);
  return result.stdout.length / 2 / 24000;
}
