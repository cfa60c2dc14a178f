/**
 * Hiragana → Kokoro v1.0 phonemes (the IPA-like romanisation of the official Japanese front
 * end), built row by row from the consonant of each row and the five vowels.
 */

// Each row: its kana (a i u e o) and the phonemes of each.
const ROWS: Array<[string, string[]]> = [
  ['あいうえお', ['a', 'i', 'ɯ', 'e', 'o']],
  ['ぁぃぅぇぉ', ['a', 'i', 'ɯ', 'e', 'o']],
  ['かきくけこ', ['ka', 'kʲi', 'kɯ', 'ke', 'ko']],
  ['がぎぐげご', ['ɡa', 'ɡʲi', 'ɡɯ', 'ɡe', 'ɡo']],
  ['さしすせそ', ['sa', 'ɕi', 'sɨ', 'se', 'so']],
  ['ざじずぜぞ', ['ʣa', 'ʥi', 'zɨ', 'ʣe', 'ʣo']],
  ['たちつてと', ['ta', 'ʨi', 'ʦɨ', 'te', 'to']],
  ['だぢづでど', ['da', 'ʥi', 'zɨ', 'de', 'do']],
  ['なにぬねの', ['na', 'ɲi', 'nɯ', 'ne', 'no']],
  ['はひふへほ', ['ha', 'çi', 'ɸɯ', 'he', 'ho']],
  ['ばびぶべぼ', ['ba', 'bʲi', 'bɯ', 'be', 'bo']],
  ['ぱぴぷぺぽ', ['pa', 'pʲi', 'pɯ', 'pe', 'po']],
  ['まみむめも', ['ma', 'mʲi', 'mɯ', 'me', 'mo']],
  ['らりるれろ', ['ɾa', 'ɾʲi', 'ɾɯ', 'ɾe', 'ɾo']],
];
const SINGLES: Record<string, string> = {
  や: 'ja', ゆ: 'jɯ', よ: 'jo', ゃ: 'ja', ゅ: 'jɯ', ょ: 'jo', わ: 'βa', ゎ: 'βa', ゐ: 'i', ゑ: 'e', を: 'o',
  ゔ: 'vɯ', ゕ: 'ka', ゖ: 'ke',
};

/** Small kana that combine with the kana before them. */
export const SMALL_KANA = new Set('ゃゅょぁぃぅぇぉ');

const table = new Map<string, string>();
for (const [kana, phonemes] of ROWS) [...kana].forEach((k, i) => table.set(k, phonemes[i]!));
for (const [k, v] of Object.entries(SINGLES)) table.set(k, v);

// Palatalised syllables: the onset of the i-column kana + the vowel of the small kana
// (small yu is the central ɨ).
const YOON_VOWELS: Record<string, string> = { ゃ: 'a', ゅ: 'ɨ', ょ: 'o', ぇ: 'e' };
for (const k of 'きぎしじちぢにひびぴみり') {
  const onset = table.get(k)!.slice(0, -1);
  for (const [small, vowel] of Object.entries(YOON_VOWELS)) table.set(k + small, onset + vowel);
}
// Other digraphs of loanwords.
const DIGRAPHS: Record<string, string> = {
  いぇ: 'je', うぃ: 'βi', うぇ: 'βe', うぉ: 'βo', くぁ: 'kᵝa', くぃ: 'kᵝi', くぇ: 'kᵝe', くぉ: 'kᵝo',
  ぐぁ: 'ɡᵝa', ぐぃ: 'ɡᵝi', ぐぇ: 'ɡᵝe', ぐぉ: 'ɡᵝo', つぁ: 'ʦa', つぃ: 'ʦʲi', つぇ: 'ʦe', つぉ: 'ʦo',
  てぃ: 'tʲi', てゅ: 'tʲɨ', でぃ: 'dʲi', でゅ: 'dʲɨ', とぅ: 'tɯ', どぅ: 'dɯ', ふぁ: 'ɸa', ふぃ: 'ɸʲi',
  ふぇ: 'ɸe', ふぉ: 'ɸo', ふゅ: 'ɸʲɨ', ふょ: 'ɸʲo', ゔぁ: 'va', ゔぃ: 'vʲi', ゔぇ: 've', ゔぉ: 'vo',
  ゔゅ: 'bʲɨ', ゔょ: 'bʲo',
};
for (const [k, v] of Object.entries(DIGRAPHS)) table.set(k, v);

/** Phonemes of a hiragana string (one word): digraphs, っ as ʔ, ー as ː, ん by what follows. */
export function kanaToPhonemes(hiragana: string): string {
  const kana = [...hiragana];
  let out = '';
  for (let i = 0; i < kana.length; i++) {
    const k = kana[i]!;
    const next = kana[i + 1];
    if (next && table.has(k + next)) {
      out += table.get(k + next);
      i += 1;
    } else if (next && SMALL_KANA.has(next) && table.has(k)) {
      // An unlisted pair: the big kana's consonant with the small kana's syllable.
      out += table.get(k)!.slice(0, -1) + table.get(next)!;
      i += 1;
    } else if (k === 'ー') {
      out += 'ː';
    } else if (k === 'っ') {
      out += 'ʔ';
    } else if (k === 'ん') {
      out += nasalBefore(next ? table.get(next) : undefined);
    } else {
      out += table.get(k) ?? '';
    }
  }
  return out;
}

/** ん assimilates to what follows: m before m p b, ŋ before k ɡ, ɲ before ɲ ʨ ʥ, n before n t d ɾ z, else ɴ. */
function nasalBefore(next: string | undefined): string {
  if (!next) return 'ɴ';
  if ('mpb'.includes(next[0]!)) return 'm';
  if ('kɡ'.includes(next[0]!)) return 'ŋ';
  if (['ɲ', 'ʨ', 'ʥ'].some((p) => next.startsWith(p))) return 'ɲ';
  if ('ntdɾz'.includes(next[0]!)) return 'n';
  return 'ɴ';
}

/** Katakana → hiragana (the two blocks are 0x60 apart); other characters unchanged. */
export function katakanaToHiragana(text: string): string {
  return text.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(/[ヷヸヹヺ]/g, (c) => ({ ヷ: 'ゔぁ', ヸ: 'ゔぃ', ヹ: 'ゔぇ', ヺ: 'ゔぉ' })[c] ?? c);
}

