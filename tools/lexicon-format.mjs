// The lexicon file format read by native/core/EnglishLexicon (one place for it; used by
// tools/build-lexicon.mjs and bench/english-g2p.mjs).
//
//   KOKORO-LEXICON 1 <dialect>
//   @gold <entries>            then `word<TAB>value` lines, sorted by the bytes of `word`
//   @silver <entries>          likewise
// A value is a phoneme string, or for heteronyms `{TAG=phonemes|TAG=phonemes…}`, an empty
// phoneme string meaning "spell it out" (misaki's null).
const RESERVED = /[\t\n{}|=]/;

function encodeValue(word, value) {
  if (value === null) return '';
  if (typeof value === 'string') {
    if (RESERVED.test(value)) throw new Error(`${word}: phonemes contain a reserved character: ${value}`);
    return value;
  }
  const parts = Object.entries(value).map(([tag, phonemes]) => {
    if (RESERVED.test(tag) || (phonemes !== null && RESERVED.test(phonemes))) throw new Error(`${word}: reserved character`);
    return `${tag}=${phonemes ?? ''}`;
  });
  return `{${parts.join('|')}}`;
}

function section(name, lexicon) {
  const keys = Object.keys(lexicon).filter((k) => !RESERVED.test(k) && k.length > 0);
  keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return [`@${name} ${keys.length}`, ...keys.map((k) => `${k}\t${encodeValue(k, lexicon[k])}`)];
}

/** The file's text for a dialect's gold and silver lexicons (misaki's JSON objects). */
export function formatLexicon(dialect, gold, silver) {
  return [`KOKORO-LEXICON 1 ${dialect}`, ...section('gold', gold), ...section('silver', silver)].join('\n') + '\n';
}
