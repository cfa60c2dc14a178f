#!/usr/bin/env node
// Generates the English lexicon files the native G2P reads (data/lexicon/en-us.lexicon,
// en-gb.lexicon) from misaki's gold and silver JSON lexicons (Apache-2.0, see
// THIRD_PARTY_NOTICES). Usage: node tools/build-lexicon.mjs [misaki-lexicon folder]
// (default ../shared/data/misaki-lexicon).
//
// Format (UTF-8 text, one entry per line, so that the native side can keep the file as one
// buffer and binary-search it without building any per-entry object):
//   KOKORO-LEXICON 1 <dialect>
//   @gold <entries>            then `word<TAB>value` lines, sorted by the bytes of `word`
//   @silver <entries>          likewise
// A value is a phoneme string, or for heteronyms `{TAG=phonemes|TAG=phonemes…}`, an empty
// phoneme string meaning "spell it out" (the source's null).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data', 'misaki-lexicon'));
const outDir = join(root, 'data', 'lexicon');
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

mkdirSync(outDir, { recursive: true });
for (const [dialect, prefix] of [['en-us', 'us'], ['en-gb', 'gb']]) {
  const gold = JSON.parse(readFileSync(join(source, `${prefix}_gold.json`), 'utf8'));
  const silver = JSON.parse(readFileSync(join(source, `${prefix}_silver.json`), 'utf8'));
  const lines = [`KOKORO-LEXICON 1 ${dialect}`, ...section('gold', gold), ...section('silver', silver)];
  const file = join(outDir, `${dialect}.lexicon`);
  writeFileSync(file, lines.join('\n') + '\n');
  console.log(`${file}: ${lines.length - 3} entries`);
}
