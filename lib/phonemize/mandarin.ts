import { segment, OutputFormat } from 'pinyin-pro';

import { chineseNumber } from './numbers.js';

/** A synchronous text → phonemes converter for one language. */
export interface Phonemizer {
  phonemize(text: string): string;
}

/**
 * Mandarin pinyin → Kokoro v1.0 phonemes. Initials and finals map to IPA-like symbols; the
 * tone is written after the syllable's vowel as an arrow: 1 →, 2 ↗, 3 ↓, 4 ↘, neutral none.
 * This is the transcription the official front end (misaki, "legacy" path used by v1.0) feeds
 * the model. `T` marks where the tone arrow goes.
 */
const INITIALS: Record<string, string> = {
  b: 'p', p: 'pʰ', m: 'm', f: 'f', d: 't', t: 'tʰ', n: 'n', l: 'l', g: 'k', k: 'kʰ', h: 'x',
  j: 'ʨ', q: 'ʨʰ', x: 'ɕ', zh: 'ꭧ', ch: 'ꭧʰ', sh: 'ʂ', r: 'ɻ', z: 'ʦ', c: 'ʦʰ', s: 's',
};

const FINALS: Record<string, string> = {
  a: 'aT', ai: 'aiT', an: 'aTn', ang: 'aTŋ', ao: 'auT', e: 'ɤT', ei: 'eiT', en: 'əTn', eng: 'əTŋ',
  i: 'iT', ia: 'jaT', ian: 'jɛTn', iang: 'jaTŋ', iao: 'jauT', ie: 'jeT', in: 'iTn', iou: 'jouT',
  ing: 'iTŋ', iong: 'jʊTŋ', ong: 'ʊTŋ', ou: 'ouT', u: 'uT', ua: 'waT', uai: 'waiT', uan: 'waTn',
  uang: 'waTŋ', uei: 'weiT', uen: 'wəTn', ueng: 'wəTŋ', uo: 'woT', o: 'woT',
  ü: 'yT', üe: 'ɥeT', üan: 'ɥɛTn', ün: 'yTn',
};

/** Whole syllables that are not initial + final. */
const WHOLE: Record<string, string> = {
  er: 'ɚT', o: 'ɔT', ê: 'ɛT', io: 'jɔT', m: 'mT', n: 'nT', ng: 'ŋT', hm: 'hmT', hng: 'hŋT',
};

const TONES = ['', '→', '↗', '↓', '↘', ''];

/** Spelling rules of pinyin undone: y/w onsets, ü written u, contracted iu/ui/un. */
function initialAndFinal(syllable: string): [string, string] | undefined {
  let s = syllable.replace(/v/g, 'ü');
  if (s.startsWith('y')) {
    s = s.startsWith('yu') ? `ü${s.slice(2)}` : s.startsWith('yi') ? s.slice(1) : `i${s.slice(1)}`;
    if (s === 'iou' || s === 'ou') s = 'iou';
    return ['', s];
  }
  if (s.startsWith('w')) {
    s = s.startsWith('wu') ? s.slice(1) : `u${s.slice(1)}`;
    return ['', s];
  }
  const initial = ['zh', 'ch', 'sh'].find((i) => s.startsWith(i)) ?? (INITIALS[s[0] ?? ''] ? s[0]! : '');
  let final = s.slice(initial.length);
  if ('jqx'.includes(initial) && initial !== '' && final.startsWith('u')) final = `ü${final.slice(1)}`;
  if (final === 'iu') final = 'iou';
  else if (final === 'ui') final = 'uei';
  else if (final === 'un') final = 'uen';
  return final ? [initial, final] : undefined;
}

/** One numbered pinyin syllable (e.g. `zhong1`, `de0`) to phonemes; undefined if unknown. */
export function syllableToPhonemes(numbered: string): string | undefined {
  const match = /^([a-zü]+)([0-5]?)$/.exec(numbered.toLowerCase());
  if (!match) return undefined;
  const [, syllable, digit] = match as unknown as [string, string, string];
  const tone = TONES[Number(digit || 5)] ?? '';
  const whole = WHOLE[syllable];
  if (whole) return whole.replace('T', tone);
  const parts = initialAndFinal(syllable);
  if (!parts) return undefined;
  const [initial, final] = parts;
  // The apical vowel of zhi/chi/shi/ri/zi/ci/si.
  let body = final === 'i' && ['zh', 'ch', 'sh', 'r', 'z', 'c', 's'].includes(initial) ? 'ɨT' : FINALS[final];
  if (body === undefined) return undefined;
  body = body.replace('T', tone);
  return (INITIALS[initial] ?? '') + body;
}

/** Chinese punctuation to the ASCII marks the model knows, with the spacing misaki uses. */
const PUNCTUATION: Array<[RegExp, string]> = [
  [/[、，]/g, ', '], [/[。．]/g, '. '], [/！/g, '! '], [/：/g, ': '], [/；/g, '; '], [/？/g, '? '],
  [/[«《「【]/g, ' “'], [/[»》」】]/g, '” '], [/（/g, ' ('], [/）/g, ') '],
];

const HANZI = /[\u4E00-\u9FFF]+/;

/**
 * The Mandarin front end: hanzi → pinyin-pro readings (no tone sandhi, as the official v1.0
 * front end) → phonemes, words separated by spaces, Arabic numbers read as Chinese numbers.
 */
export function createMandarinPhonemizer(): Phonemizer {
  return {
    phonemize(text: string): string {
      let normalized = text.replace(/\d+/g, (digits) => chineseNumber(digits));
      for (const [pattern, replacement] of PUNCTUATION) normalized = normalized.replace(pattern, replacement);
      normalized = normalized.trim();
      let out = '';
      for (const part of normalized.split(/([\u4E00-\u9FFF]+)/)) {
        if (!part) continue;
        if (!HANZI.test(part)) {
          out += part;
          continue;
        }
        const words = segment(part, { format: OutputFormat.AllSegment, toneType: 'num', toneSandhi: false }) as Array<{ origin: string; result: string }>;
        // segment() reads each word in context (了 as le, not liao) and returns its syllables run together.
        out += words.map((word) => (word.result.match(/[a-zü]+[0-5]/g) ?? [])
          .map((s) => syllableToPhonemes(s) ?? '').join('')).join(' ');
      }
      return out.replace(/\s+/g, ' ').trim();
    },
  };
}
