import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

import { ErrorCode, KokoroError, nativeCall, toKokoroError } from './errors.js';
import type { NativeVoice } from './native/binding.js';
import { loadBinding } from './native/loadBinding.js';

/** Width of one style vector: 128 decoder columns then 128 prosody columns. */
export const STYLE_WIDTH = 256;

/** A voice: `rows` style vectors of 256 floats (row i serves utterances of i+1 phonemes). */
export interface VoicePack {
  /** The floats, read-only: a view of the native copy that requests use. */
  readonly data: Float32Array;
  readonly rows: number;
  /** Where it came from, for messages. */
  readonly source: string;
  /** @internal The native pack every request of this voice shares (checked once, never copied per request). */
  readonly native: NativeVoice;
}

/** Packs by their own `data` view: handing a pack's `data` back in reuses the pack (no copy). */
const packsByView = new WeakMap<Float32Array, VoicePack>();

/**
 * A voice pack from floats: copied once into native memory and checked there (KOKORO_BAD_VOICE,
 * naming `source`, unless rows of 256 finite floats). `data` is not used afterwards.
 */
export function makeVoicePack(data: Float32Array, source: string): VoicePack {
  let native: NativeVoice;
  try {
    native = loadBinding().createVoice(data, source);
  } catch (error) {
    throw toKokoroError(error, new Error().stack);
  }
  const pack: VoicePack = { data: native.view(), rows: native.rows(), source, native };
  packsByView.set(pack.data, pack);
  return pack;
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
    return makeVoicePack(data, path);
  }
  const { data, shape } = await nativeCall(() => loadBinding().readVoicePack(path));
  checkShape(shape, path);
  return makeVoicePack(data, path);
}

/**
 * Wraps caller-provided floats, a whole pack or one 256-wide style row: copied, unless they are
 * the `data` of a pack made here (then that pack).
 */
export function voicePackFromArray(data: Float32Array): VoicePack {
  return packsByView.get(data) ?? makeVoicePack(data, 'Float32Array');
}
