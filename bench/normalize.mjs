#!/usr/bin/env node
// Text normalization throughput (MB/s of UTF-8 input) and linearity: realistic English with
// many numbers, amounts, times, dates, units, addresses and abbreviations at 64 KB, 256 KB and
// 1 MB, plus adversarial 1 MB inputs (one huge number, no spaces at all, "1-1-1-…"). The
// reference, measured in the same rounds and alternated with it, is the same call with every
// family switched off (the scan-and-copy floor). Median of the rounds.
//
//   npm run build && node bench/normalize.mjs [--rounds 7]
import { parseArgs } from 'node:util';

import { normalizeText } from '../dist/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);

const PARAGRAPH = [
  'Dr. Smith paid $5.30 for 2 kg of apples at 10:35 pm on 2024-03-05, i.e. about 15% more than in 1999.',
  'The meeting is on March 5, 2024 at 3:00 at 221 Baker St. in London; call +44 20 7946 0958 or write to ann.lee@mail.org.',
  'See https://example.com/docs/v2 or localhost:7860 for the 1st and 22nd releases, e.g. version 1.2.3.',
  'It was 21°C and the car did 60 mph for 5-10 minutes; Henry VIII and World War II are in Chapter IV.',
  'Revenue grew to £1.2m (vs. €900k) in the 1990s & 2000s, etc. The rest of the text is plain prose that',
  'goes on for a while without anything to rewrite, the way most sentences in a book or an article do.',
].join(' ');
const PROSE = 'The morning train left the station a little after seven, carrying commuters into the city. ' +
  'Most of them read the news on their phones, while a few stared out at the passing fields. ';

const OFF = Object.fromEntries(['numbers', 'currency', 'time', 'dates', 'units', 'urls', 'emails', 'phones', 'symbols',
  'abbreviations'].map((k) => [k, false]));

function repeatTo(unit, bytes) {
  let text = '';
  while (Buffer.byteLength(text) < bytes) text += unit + ' ';
  return text;
}

const KB = 1024;
const inputs = [
  ['mixed 64 KB', repeatTo(PARAGRAPH, 64 * KB)],
  ['mixed 256 KB', repeatTo(PARAGRAPH, 256 * KB)],
  ['mixed 1 MB', repeatTo(PARAGRAPH, 1024 * KB)],
  ['plain prose 1 MB', repeatTo(PROSE, 1024 * KB)],
  ['one 1 MB number', '7'.repeat(1024 * KB)],
  ['1 MB without spaces', 'a.b1-2/c@d:3$4.5%e.g.St.'.repeat(44 * KB)],
  ['1 MB of "1-1-1-…"', '1-'.repeat(512 * KB)],
];

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

normalizeText(PARAGRAPH); // warm up (loads the addon)
const results = [];
for (const [name, text] of inputs) {
  const bytes = Buffer.byteLength(text);
  const on = [];
  const off = [];
  let outBytes = 0;
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so drift on a shared machine hits both alike.
    const first = r % 2 === 0;
    if (first) on.push(time(() => { outBytes = Buffer.byteLength(normalizeText(text).text); }));
    off.push(time(() => normalizeText(text, { normalization: OFF })));
    if (!first) on.push(time(() => { outBytes = Buffer.byteLength(normalizeText(text).text); }));
  }
  const ms = median(on);
  const refMs = median(off);
  results.push({ name, bytes, ms, refMs, outBytes });
}

console.log(`rounds: ${rounds}; node ${process.version}; machine shared with other jobs (absolute figures are noisy)`);
console.log('| input | MB/s | ms | ratio to all-off reference | output/input bytes |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of results) {
  const mbps = r.bytes / 1024 / 1024 / (r.ms / 1000);
  console.log(`| ${r.name} | ${mbps.toFixed(1)} | ${r.ms.toFixed(1)} | ${(r.ms / r.refMs).toFixed(2)} | ${(r.outBytes / r.bytes).toFixed(2)} |`);
}
const per = (name) => { const r = results.find((x) => x.name === name); return r.ms / r.bytes; };
console.log(`\nlinearity: time per byte at 1 MB / at 64 KB = ${(per('mixed 1 MB') / per('mixed 64 KB')).toFixed(2)} ` +
  `(1.00 = linear); at 256 KB / 64 KB = ${(per('mixed 256 KB') / per('mixed 64 KB')).toFixed(2)}`);
