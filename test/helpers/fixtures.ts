import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// @ts-expect-error plain JS helper shared with the test runner
import { hasShared, sharedDir, sharedMissingMessage } from './environment.mjs';

export { hasShared, sharedDir };
export const fixtureDir = join(sharedDir as string, 'fixtures', 'kokoro-tiny');
export const tinyConfig = join(fixtureDir, 'config.json');
export const tinyWeights = join(fixtureDir, 'model.pth');
export const tinyVoice = join(fixtureDir, 'voice.pt');
export const realConfig = join(sharedDir as string, 'kokoro-v1_0', 'config.json');
export const realVoicesDir = join(sharedDir as string, 'kokoro-v1_0', 'voices');

if (!hasShared) console.warn(`[kokoro-native tests] skipping model tests: ${sharedMissingMessage as string}`);

interface FileEntry { file: string; dtype: 'int64' | 'float32'; shape: number[] }
export interface FixtureCase {
  name: string;
  phonemes: string;
  speed: number;
  seed: number;
  voice_row: number;
  input_ids: number[];
  files: Record<string, FileEntry>;
}

export function fixtureCases(): FixtureCase[] {
  return (JSON.parse(readFileSync(join(fixtureDir, 'cases.json'), 'utf8')) as { cases: FixtureCase[] }).cases;
}

export function readCaseArray(c: FixtureCase, key: string): Float32Array | BigInt64Array {
  const entry = c.files[key] ?? c.files[`debug/${key}`];
  if (!entry) throw new Error(`case ${c.name} has no ${key}`);
  const bytes = readFileSync(join(fixtureDir, entry.file));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return entry.dtype === 'int64' ? new BigInt64Array(buffer) : new Float32Array(buffer);
}

export function correlation(a: Float32Array, b: Float32Array): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= a.length; mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** max |a - b| / max |b| */
export function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}
