import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

import { ErrorCode, KokoroError, nativeCall } from './errors.js';
import { loadBinding } from './native/loadBinding.js';

/** Width of one style vector: 128 decoder columns then 128 prosody columns. */
export const STYLE_WIDTH = 256;

/** A voice: `rows` style vectors of 256 floats (row i serves utterances of i+1 phonemes). */
export interface VoicePack {
  data: Float32Array;
  rows: number;
  /** Where it came from, for messages. */
  source: string;
}

function checkShape(shape: number[], source: string): number {
  const ok = (shape.length === 3 && shape[1] === 1 && shape[2] === STYLE_WIDTH) ||
    (shape.length === 2 && shape[1] === STYLE_WIDTH) || (shape.length === 1 && shape[0] === STYLE_WIDTH);
  if (!ok || (shape[0] ?? 0) < 1) {
    throw new KokoroError(ErrorCode.BadVoice,
      `${source} holds a tensor of shape [${shape.join(', ')}]; a voice pack is [rows, 1, 256] (or [rows, 256]).`);
  }
  return shape.length === 1 ? 1 : shape[0]!;
}

/**
 * Reads a voice pack file: an official `.pt` (torch.save of a float32 [510, 1, 256] tensor) or a
 * raw little-endian float32 `.bin` (kokoro.js's format).
 */
export async function readVoicePackFile(path: string): Promise<VoicePack> {
  if (extname(path).toLowerCase() === '.bin') {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new KokoroError(missing ? ErrorCode.FileNotFound : ErrorCode.FileUnreadable,
        `${missing ? 'voice file not found' : 'cannot read voice file'}: ${path}`);
    }
    if (bytes.length === 0 || bytes.length % (4 * STYLE_WIDTH) !== 0) {
      throw new KokoroError(ErrorCode.BadVoice,
        `${path} has ${bytes.length} bytes; a raw voice pack is a multiple of ${4 * STYLE_WIDTH} (rows of 256 float32).`);
    }
    const data = new Float32Array(bytes.length / 4);
    Buffer.from(data.buffer).set(bytes);
    return { data, rows: data.length / STYLE_WIDTH, source: path };
  }
  const { data, shape } = await nativeCall(() => loadBinding().readVoicePack(path));
  return { data, rows: checkShape(shape, path), source: path };
}

/** Wraps caller-provided floats: a whole pack or one 256-wide style row. */
export function voicePackFromArray(data: Float32Array): VoicePack {
  if (data.length === 0 || data.length % STYLE_WIDTH !== 0) {
    throw new KokoroError(ErrorCode.BadVoice,
      `voice Float32Array has ${data.length} values; expected 256 (one style row) or a multiple of 256 (a pack).`);
  }
  return { data, rows: data.length / STYLE_WIDTH, source: 'Float32Array' };
}
