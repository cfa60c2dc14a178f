import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { ErrorCode, KokoroError } from './errors.js';
import type { VoiceCache } from './voiceCache.js';
import { STYLE_WIDTH, makeVoicePack, readVoicePackFile, voicePackFromArray, type VoicePack } from './voices.js';

/** Voice files are looked up with these extensions, in this order. */
const EXTENSIONS = ['.pt', '.bin'];

/** Mix weights are relative; beyond this one a weight is a typo, not a preference. */
const MAX_MIX_WEIGHT = 1e6;

interface MixPart { voice: string; weight: number }

/**
 * Parses `af_bella`, `af_bella+af_sky` (mean) or `af_bella(2)+af_sky(1)` (weighted mean: each
 * weight divided by their sum, as Kokoro-FastAPI does).
 */
export function parseVoiceSpec(spec: string): MixPart[] {
  const parts = spec.split('+').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p.length === 0)) {
    throw new KokoroError(ErrorCode.BadVoice, `voice ${JSON.stringify(spec)}: empty part in the mix (write e.g. af_bella+af_sky or af_bella(2)+af_sky(1))`);
  }
  return parts.map((part) => {
    // Anything written with a number's characters in the trailing parentheses is a weight (so
    // `(-1)`, `()` and `(1e-3)` are judged as weights); other text there stays part of a name.
    const weighted = /^(.*)\(([-+0-9.eE\s]*)\)$/.exec(part);
    if (!weighted) return { voice: part, weight: 1 };
    const written = weighted[2]!.trim();
    const weight = written === '' ? Number.NaN : Number(written);
    if (!(weight > 0 && weight <= MAX_MIX_WEIGHT)) {
      throw new KokoroError(ErrorCode.BadVoice, `voice ${JSON.stringify(spec)}: weights must be positive numbers, at most ${MAX_MIX_WEIGHT}`);
    }
    return { voice: weighted[1]!.trim(), weight };
  });
}

/**
 * Finds and caches voice packs for one model: by name in its voices folder (`af_heart` →
 * `voices/af_heart.pt` or `.bin`), or by path; mixes them on request.
 */
export class VoiceLibrary {
  constructor(private readonly voicesDir: string | undefined, private readonly cache: VoiceCache) {}

  /** Resolves a name, path, mix spec or Float32Array to a voice pack. */
  async get(voice: string | Float32Array): Promise<VoicePack> {
    if (voice instanceof Float32Array) return voicePackFromArray(voice);
    if (typeof voice !== 'string' || voice.trim() === '') {
      throw new KokoroError(ErrorCode.BadVoice, 'voice must be a voice name (e.g. af_heart), a file path, a mix (af_bella+af_sky) or a Float32Array');
    }
    return this.cache.get(`mix:${this.voicesDir ?? ''}\0${voice.trim()}`, async () => {
      const parts = parseVoiceSpec(voice.trim());
      if (parts.length === 1 && parts[0]!.weight === 1) return this.loadOne(parts[0]!.voice);
      const packs = await Promise.all(parts.map((p) => this.loadOne(p.voice)));
      return mix(packs, parts.map((p) => p.weight), voice);
    });
  }

  private async loadOne(nameOrPath: string): Promise<VoicePack> {
    const path = this.locate(nameOrPath);
    return this.cache.get(`file:${path}`, () => readVoicePackFile(path));
  }

  /** Where a voice name or path points; throws VoiceNotFound listing every place tried. */
  locate(nameOrPath: string): string {
    const looksLikePath = isAbsolute(nameOrPath) || nameOrPath.includes('/') || nameOrPath.includes('\\') ||
      EXTENSIONS.some((e) => nameOrPath.endsWith(e));
    const tried: string[] = [];
    if (looksLikePath) {
      const path = resolve(nameOrPath);
      if (existsSync(path)) return path;
      tried.push(path);
    } else if (this.voicesDir) {
      for (const extension of EXTENSIONS) {
        const path = join(this.voicesDir, nameOrPath + extension);
        if (existsSync(path)) return path;
        tried.push(path);
      }
    }
    throw new KokoroError(ErrorCode.VoiceNotFound,
      `voice ${JSON.stringify(nameOrPath)} not found; looked for ${tried.length ? tried.join(', ') : '(no voices folder configured)'}. ` +
      'Use a voice name from the model\'s voices folder (e.g. af_heart) or a path to a .pt/.bin voice pack.');
  }
}

/** Weighted mean of packs, row by row; packs of different row counts use the common rows. */
export function mix(packs: VoicePack[], weights: number[], label: string): VoicePack {
  const rows = Math.min(...packs.map((p) => p.rows));
  const total = weights.reduce((a, b) => a + b, 0);
  const data = new Float32Array(rows * STYLE_WIDTH);
  packs.forEach((pack, k) => {
    const w = weights[k]! / total;
    for (let i = 0; i < data.length; i++) data[i]! += w * pack.data[i]!;
  });
  return makeVoicePack(data, label);
}
