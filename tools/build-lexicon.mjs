#!/usr/bin/env node
// Generates the English lexicon files the native G2P reads (data/lexicon/en-us.lexicon,
// en-gb.lexicon) from misaki's gold and silver JSON lexicons (Apache-2.0, see
// THIRD_PARTY_NOTICES; format in tools/lexicon-format.mjs).
// Usage: node tools/build-lexicon.mjs [misaki-lexicon folder]   (default ../shared/data/misaki-lexicon)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { formatLexicon } from './lexicon-format.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data', 'misaki-lexicon'));
const outDir = join(root, 'data', 'lexicon');

mkdirSync(outDir, { recursive: true });
for (const [dialect, prefix] of [['en-us', 'us'], ['en-gb', 'gb']]) {
  const read = (tier) => JSON.parse(readFileSync(join(source, `${prefix}_${tier}.json`), 'utf8'));
  const file = join(outDir, `${dialect}.lexicon`);
  writeFileSync(file, formatLexicon(dialect, read('gold'), read('silver')));
  console.log(`wrote ${file}`);
}
