import { existsSync, readdirSync } from 'node:fs';

import { ErrorCode, KokoroError } from '../errors.js';
import { LANGUAGES } from '../languages.js';
import { parseVoiceSpec } from '../voiceLibrary.js';

/**
 * OpenAI's voice names and the Kokoro voice each one speaks with: the same name where Kokoro has
 * it, otherwise a voice of the same gender and a similar register.
 */
export const OPENAI_VOICES: Readonly<Record<string, string>> = {
  alloy: 'af_alloy',
  ash: 'am_adam',
  ballad: 'bm_george',
  coral: 'af_bella',
  echo: 'am_echo',
  fable: 'bm_fable',
  onyx: 'am_onyx',
  nova: 'af_nova',
  sage: 'af_sarah',
  shimmer: 'af_sky',
  verse: 'am_michael',
  marin: 'af_heart',
  cedar: 'am_liam',
};

/** Kokoro voice names: language letter, gender letter, underscore, name. Nothing that could be a path. */
const VOICE_NAME = /^[a-z][fm]_[a-z0-9]+$/;

export interface VoiceEntry { name: string; language: string; gender: 'female' | 'male' }

/** The voices a server may use: the model's voices folder, and OpenAI's names mapped onto them. */
export class VoiceCatalog {
  private names: Set<string> | undefined;

  constructor(private readonly voicesDir: string) {}

  /** Voice names in the folder (read once). */
  list(): string[] {
    if (!this.names) {
      const files = existsSync(this.voicesDir) ? readdirSync(this.voicesDir) : [];
      this.names = new Set(files.filter((f) => /\.(pt|bin)$/.test(f)).map((f) => f.replace(/\.(pt|bin)$/, '')).filter((n) => VOICE_NAME.test(n)));
    }
    return [...this.names].sort();
  }

  entries(): VoiceEntry[] {
    return this.list().map((name) => ({
      name,
      language: LANGUAGES.find((l) => l.code === name[0])?.name ?? 'unknown',
      gender: name[1] === 'f' ? 'female' : 'male',
    }));
  }

  /**
   * A request's voice as a Kokoro voice spec: OpenAI names mapped, every part of a mix
   * (`af_bella(2)+nova(1)`) checked against the folder. Paths are refused.
   */
  resolve(spec: unknown): string {
    if (typeof spec !== 'string' || spec.trim() === '') {
      throw new KokoroError(ErrorCode.BadVoice, 'voice is required: a Kokoro voice (af_heart), an OpenAI voice (alloy) or a mix (af_bella(2)+af_sky(1))');
    }
    const known = new Set(this.list());
    const parts = parseVoiceSpec(spec.trim()).map(({ voice, weight }) => {
      const name = OPENAI_VOICES[voice.toLowerCase()] ?? voice;
      if (!VOICE_NAME.test(name) || !known.has(name)) {
        throw new KokoroError(ErrorCode.VoiceNotFound, `unknown voice ${JSON.stringify(voice)}: GET /v1/audio/voices lists the voices (OpenAI names such as alloy or nova also work)`);
      }
      return { name, weight };
    });
    if (parts.length === 1) return parts[0]!.name;
    return parts.map((p) => `${p.name}(${p.weight})`).join('+');
  }
}

/** The language a voice speaks natively: its first letter (`bf_emma` → `b`). */
export function voiceLanguage(resolvedSpec: string): string {
  return resolvedSpec[0] ?? 'a';
}
