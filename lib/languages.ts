import { ErrorCode, KokoroError } from './errors.js';

/** Kokoro's language codes (the official pipeline's `lang_code`). */
export type LanguageCode = 'a' | 'b' | 'e' | 'f' | 'h' | 'i' | 'j' | 'p' | 'z';

export interface LanguageInfo {
  code: LanguageCode;
  name: string;
  /** Codes users write for it. */
  aliases: string[];
  /** Which front end produces its phonemes. */
  frontEnd: 'lexicon + espeak-ng' | 'espeak-ng' | 'kuromoji' | 'pinyin-pro';
}

/** Every language, in the official pipeline's order. */
export const LANGUAGES: readonly LanguageInfo[] = [
  { code: 'a', name: 'American English', aliases: ['en-us', 'en'], frontEnd: 'lexicon + espeak-ng' },
  { code: 'b', name: 'British English', aliases: ['en-gb'], frontEnd: 'lexicon + espeak-ng' },
  { code: 'e', name: 'Spanish', aliases: ['es'], frontEnd: 'espeak-ng' },
  { code: 'f', name: 'French', aliases: ['fr-fr', 'fr'], frontEnd: 'espeak-ng' },
  { code: 'h', name: 'Hindi', aliases: ['hi'], frontEnd: 'espeak-ng' },
  { code: 'i', name: 'Italian', aliases: ['it'], frontEnd: 'espeak-ng' },
  { code: 'j', name: 'Japanese', aliases: ['ja'], frontEnd: 'kuromoji' },
  { code: 'p', name: 'Brazilian Portuguese', aliases: ['pt-br'], frontEnd: 'espeak-ng' },
  { code: 'z', name: 'Mandarin Chinese', aliases: ['zh', 'cmn'], frontEnd: 'pinyin-pro' },
];

const byName = new Map<string, LanguageInfo>();
for (const language of LANGUAGES) {
  byName.set(language.code, language);
  for (const alias of language.aliases) byName.set(alias, language);
}

/** All accepted language codes and aliases. */
export function validLanguageCodes(): string[] {
  return [...byName.keys()];
}

/** Resolves a code or alias (case-insensitive, `_` or `-`) or throws a typed error listing the valid ones. */
export function resolveLanguage(code: string): LanguageInfo {
  const key = typeof code === 'string' ? code.trim().toLowerCase().replace(/_/g, '-') : '';
  const language = byName.get(key);
  if (!language) {
    throw new KokoroError(ErrorCode.UnsupportedLanguage,
      `unknown language code ${JSON.stringify(code)}. Valid codes: ${LANGUAGES.map((l) => `${l.code} (${[l.name, ...l.aliases].join(', ')})`).join('; ')}`);
  }
  return language;
}
