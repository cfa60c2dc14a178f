import { ErrorCode, KokoroError, toKokoroError } from './errors.js';
import { resolveLanguage } from './languages.js';
import { loadBinding } from './native/loadBinding.js';

/**
 * Families of written forms that text normalization rewrites as spoken words. Each is on unless
 * set to `false`.
 */
export interface NormalizationOptions {
  /** Cardinals, ordinals (`22nd`), decimals, negatives, ranges (`5-10`), years (`1999`, `1900s`), fractions, Roman numerals (`Henry VIII`). Defaults to `true`. */
  numbers?: boolean;
  /** Amounts in `$ £ € ¥` with cents and `k`/`m`/`bn` suffixes (`$5.30`, `£1m`). Defaults to `true`. */
  currency?: boolean;
  /** Clock times (`10:35 pm`, `3:00`, `5 p.m.`). Defaults to `true`. */
  time?: boolean;
  /** Dates (`2024-03-05`, `March 5`, `5 March`, `03/05/2024` — month first in American English, day first in British). Defaults to `true`. */
  dates?: boolean;
  /** Units after a number (`5 km`, `20°C`, `64 GB`, `250 ms`). Defaults to `true`. */
  units?: boolean;
  /** Web addresses (`https://example.com/a`, `www.…`, `localhost:7860`). Defaults to `true`. */
  urls?: boolean;
  /** E-mail addresses. Defaults to `true`. */
  emails?: boolean;
  /** Phone numbers and IP addresses, read in digit groups. Defaults to `true`. */
  phones?: boolean;
  /** Symbols `& @ % + = # × ÷ ±`. Defaults to `true`. */
  symbols?: boolean;
  /** Titles and abbreviations (`Dr.`, `St.`, `e.g.`, `etc.`, `vs.`), initials, without a sentence break. Defaults to `true`. */
  abbreviations?: boolean;
}

/** Normalized text and where each of its parts came from. */
export interface NormalizedText {
  /** The text with written forms replaced by the words a reader says. */
  text: string;
  /**
   * UTF-8 byte offsets into the input, one per UTF-8 byte of `text` plus a last one (the input's
   * byte length), never decreasing. Copied text maps byte for byte; every byte of an expansion
   * maps to the start of the written token it replaces, so the words of one expansion share an
   * offset and `[sourceOffset[first], sourceOffset[onePastLast])` is the token they were said for.
   */
  sourceOffset: Uint32Array;
}

const FAMILIES = ['numbers', 'currency', 'time', 'dates', 'units', 'urls', 'emails', 'phones', 'symbols',
  'abbreviations'] as const;

/** Checks a `normalization` option object; unknown keys and non-boolean values are errors. */
export function validateNormalizationOptions(options: unknown): Record<string, boolean> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new KokoroError(ErrorCode.InvalidArgument, 'normalization must be an object of booleans, e.g. { urls: false }');
  }
  const flags: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!(FAMILIES as readonly string[]).includes(key)) {
      throw new KokoroError(ErrorCode.InvalidArgument,
        `normalization.${key} is not an option; valid options: ${FAMILIES.join(', ')}`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new KokoroError(ErrorCode.InvalidArgument, `normalization.${key} must be true or false, not ${JSON.stringify(value)}`);
    }
    flags[key] = value;
  }
  return flags;
}

/**
 * Rewrites English text as a reader would say it — numbers, currency, times, dates, units, web
 * and e-mail addresses, phone numbers, symbols and abbreviations become words — keeping the
 * mapping from every output byte back to the input. This is the normalization the English
 * front end applies before phonemization; use it to preview or test what will be said.
 *
 * @param text Any text (UTF-8 offsets refer to its UTF-8 encoding).
 * @param options `lang`: `'a'`/`'en-us'` (American, the default) or `'b'`/`'en-gb'` (British:
 *   "one hundred and five", day-first dates, metres). `normalization`: families to switch off.
 * @throws KokoroError `KOKORO_UNSUPPORTED_LANGUAGE` for a language other than English,
 *   `KOKORO_INVALID_ARGUMENT` for a bad option.
 * @example
 * normalizeText('$5.30 at 10:35 pm').text // 'five dollars thirty at ten thirty-five P M'
 */
export function normalizeText(text: string,
  options: { lang?: string; normalization?: NormalizationOptions } = {}): NormalizedText {
  if (typeof text !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, 'normalizeText(text): text must be a string');
  const language = resolveLanguage(options.lang ?? 'a');
  if (language.code !== 'a' && language.code !== 'b') {
    throw new KokoroError(ErrorCode.UnsupportedLanguage,
      `text normalization is for English ('a'/'en-us' or 'b'/'en-gb'), not ${language.name} ('${language.code}')`);
  }
  const flags = validateNormalizationOptions(options.normalization);
  try {
    return loadBinding().normalizeText(text, language.code, flags);
  } catch (error) {
    throw toKokoroError(error);
  }
}
