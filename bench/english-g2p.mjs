#!/usr/bin/env node
// Measures the native English front end (lexicon G2P): agreement with misaki's lexicon on
// held-out inflected forms and on every plain gold word, the part-of-speech heuristic for
// heteronyms against always-DEFAULT, lexicon load time and memory, and phonemization speed of a
// 10,000-word text against espeak-ng alone (alternated run by run) and against synthesis time.
// Needs ../shared/data/misaki-lexicon and the built addon (npm run build).
// Usage: node bench/english-g2p.mjs [--sample 2000] [--runs 3] [--seed 12345] [--tier all|gold]
//                                   [--held-out-only]
// (--seed draws another held-out sample; --tier gold draws it from the lexicon's gold
// (hand-written) tier only, all of it if it has fewer forms than --sample; --held-out-only skips
// lookup, heteronyms, load and speed. tools/english-suffix-study.mjs studies misses on words
// outside the samples of EVALUATION_SEEDS in tools/held-out-forms.mjs, of both tiers.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { formsOfTier, inflectedForms, lexiconWithout, sampleWords, suffixOf, tierOf } from '../tools/held-out-forms.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { sample: { type: 'string', default: '2000' }, runs: { type: 'string', default: '3' },
  seed: { type: 'string', default: '12345' }, tier: { type: 'string', default: 'all' },
  'held-out-only': { type: 'boolean', default: false } } });
if (!['all', 'gold'].includes(values.tier)) throw new Error(`--tier must be all or gold, not ${values.tier}`);
const SAMPLE = Number(values.sample);
const RUNS = Number(values.runs);
const SEED = Number(values.seed);
const source = join(root, '..', 'shared', 'data', 'misaki-lexicon');
const binding = (await import('node:module')).createRequire(import.meta.url)(join(root, 'build', 'Release', 'kokoro_native.node'));
const shipped = (british) => join(root, 'data', 'lexicon', british ? 'en-gb.lexicon' : 'en-us.lexicon');
const v1 = (ps) => ps.replaceAll('ɾ', 'T').replaceAll('ʔ', 't');  // the v1.0 model's symbols
const stressless = (ps) => ps.replace(/[ˈˌ]/g, '');

async function phonemizeAll(words, code, settings) {
  const out = [];
  for (let i = 0; i < words.length; i += 500) {
    out.push(...await Promise.all(words.slice(i, i + 500).map((w) => binding.phonemize(w, code, settings))));
  }
  return out;
}

const scratch = mkdtempSync(join(tmpdir(), 'kokoro-g2p-bench-'));
const report = {};
try {
  for (const [dialect, prefix, code] of [['en-us', 'us', 'a'], ['en-gb', 'gb', 'b']]) {
    const gold = JSON.parse(readFileSync(join(source, `${prefix}_gold.json`), 'utf8'));
    const silver = JSON.parse(readFileSync(join(source, `${prefix}_silver.json`), 'utf8'));
    const { entry } = inflectedForms(gold, silver);
    const inflected = formsOfTier(gold, silver, values.tier);

    // 1. Held-out inflected forms: lower-case words whose stem (as misaki's rules find it) is a
    // plain entry; remove them from both tiers and let morphology rebuild them. Reported overall
    // and by the tier the held-out form is written in (a stem may be of either tier).
    const heldOut = sampleWords(inflected, SAMPLE, SEED);
    const reducedPath = join(scratch, `${dialect}.lexicon`);
    writeFileSync(reducedPath, lexiconWithout(dialect, gold, silver, heldOut));
    const rebuilt = await phonemizeAll(heldOut, code, { lexicon: reducedPath, normalization: false });
    let exact = 0, noStress = 0, reducedVowel = 0;
    const reduced = (ps) => ps.replace(/[ᵻ]/g, 'ə').replace(/ᵊ/g, 'ə');
    const tally = (table, key, right) => { table[key] ??= { n: 0, exact: 0 }; table[key].n++; if (right) table[key].exact++; };
    const bySuffix = {}, byTier = {}, byTierAndSuffix = {};
    const misses = [];
    heldOut.forEach((w, i) => {
      const want = v1(entry(w));
      const right = rebuilt[i] === want;
      const tier = tierOf(gold, w);
      tally(bySuffix, suffixOf(w), right);
      tally(byTier, tier, right);
      tally(byTierAndSuffix, `${tier} ${suffixOf(w)}`, right);
      if (right) exact++; else if (misses.length < (process.env.MISSES ? 400 : 8)) misses.push(`${w}: ${rebuilt[i]} ≠ ${want} (${tier})`);
      if (stressless(rebuilt[i]) === stressless(want)) noStress++;
      if (reduced(rebuilt[i]) === reduced(want)) reducedVowel++;
    });
    const rate = (v) => `${v.exact}/${v.n} (${(100 * v.exact / v.n).toFixed(1)} %)`;
    const rates = (table) => Object.fromEntries(Object.entries(table).sort().map(([k, v]) => [k, rate(v)]));
    report[dialect] = {
      heldOut: { tier: values.tier, words: heldOut.length, of: inflected.length, seed: SEED,
        exact: (100 * exact / heldOut.length).toFixed(1) + ' %',
        ignoringStress: (100 * noStress / heldOut.length).toFixed(1) + ' %',
        ignoringReducedVowelSpelling: (100 * reducedVowel / heldOut.length).toFixed(1) + ' %',
        bySuffix: rates(bySuffix), byTier: rates(byTier), byTierAndSuffix: rates(byTierAndSuffix), misses },
    };
    if (values['held-out-only']) continue;

    // 2. Lookup: every plain lower-case gold word, alone, must come out exactly as written
    // (words whose reading depends on their neighbours, like "the" or "to", excluded).
    const contextual = new Set(['a', 'an', 'am', 'the', 'to', 'in', 'i', 'used', 'by', 'vs']);
    const plain = Object.keys(gold).filter((w) => /^[a-z][a-z']*$/.test(w) && typeof gold[w] === 'string' && !contextual.has(w));
    const looked = await phonemizeAll(plain, code, { lexicon: shipped(code === 'b'), normalization: false });
    let lookupExact = 0;
    const lookupMisses = [];
    plain.forEach((w, i) => {
      if (looked[i] === v1(gold[w])) lookupExact++; else if (lookupMisses.length < 5) lookupMisses.push(`${w}: ${looked[i]} ≠ ${v1(gold[w])}`);
    });

    report[dialect].lookup = { words: plain.length, exact: (100 * lookupExact / plain.length).toFixed(2) + ' %', misses: lookupMisses };
  }
  if (!values['held-out-only']) {
    // 3. Heteronyms: our own sentences with the reading a speaker would use; the heuristic vs DEFAULT.
    const HETERONYMS = [
      ['I will record the song.', 'record', 'VERB'], ['The record was broken.', 'record', 'DEFAULT'],
      ['They record every show.', 'record', 'VERB'], ['She set a new record.', 'record', 'DEFAULT'],
      ['We live in Paris.', 'live', 'VERB'], ['They played live music.', 'live', 'DEFAULT'],
      ['I want to live here.', 'live', 'VERB'], ['It was a live broadcast.', 'live', 'DEFAULT'],
      ['Please present your card.', 'present', 'VERB'], ['It was a lovely present.', 'present', 'DEFAULT'],
      ['He will present the award.', 'present', 'VERB'], ['The present is a gift.', 'present', 'DEFAULT'],
      ['I object to that.', 'object', 'VERB'], ['The object fell down.', 'object', 'DEFAULT'],
      ['Do not object now.', 'object', 'VERB'], ['Pick up that object.', 'object', 'DEFAULT'],
      ['Please close the door.', 'close', 'VERB'], ['We are close friends.', 'close', 'DEFAULT'],
      ['They close at six.', 'close', 'VERB'], ['Stay close to me.', 'close', 'DEFAULT'],
      ['I have read the book.', 'read', 'VBN'], ['I like to read books.', 'read', 'DEFAULT'],
      ['She had read it twice.', 'read', 'VBN'], ['You should read this.', 'read', 'DEFAULT'],
      ['We use this tool.', 'use', 'DEFAULT'], ['What is the use of it?', 'use', 'NOUN'],
      ['There is no use in trying.', 'use', 'NOUN'], ['You can use mine.', 'use', 'DEFAULT'],
      ['Wind the clock.', 'wind', 'DEFAULT'], ['The wind was cold.', 'wind', 'DEFAULT'],
      ['Do not wind it too tight.', 'wind', 'VERB'], ['A strong wind blew.', 'wind', 'DEFAULT'],
      ['Wait a minute please.', 'minute', 'DEFAULT'], ['Every minute counts.', 'minute', 'DEFAULT'],
      ['Did you tear the page?', 'tear', 'VERB'], ['A tear rolled down.', 'tear', 'DEFAULT'],
      ['Do not tear it.', 'tear', 'VERB'], ['Her tear fell.', 'tear', 'DEFAULT'],
      ['They present their work.', 'present', 'VERB'], ['I will close it.', 'close', 'VERB'],
    ];
    const gold = JSON.parse(readFileSync(join(source, 'us_gold.json'), 'utf8'));
    const pos = {};
    for (const guess of [true, false]) {
      let right = 0;
      for (const [sentence, word, tag] of HETERONYMS) {
        const ps = await binding.phonemize(sentence, 'a', { lexicon: shipped(false), guessPartOfSpeech: guess });
        const expected = v1(gold[word][tag] ?? gold[word].DEFAULT);
        if (ps.split(/[\s.,?!]+/).includes(expected)) right++;
      }
      pos[guess ? 'heuristic' : 'DEFAULT'] = `${right}/${HETERONYMS.length}`;
    }
    report.heteronyms = pos;

    // 4. Load time and memory of a lexicon, in a fresh process (the first English call loads it).
    const probe = `
      const b = require(${JSON.stringify(join(root, 'build', 'Release', 'kokoro_native.node'))});
      (async () => {
        await b.phonemize('warm up', 'e');
        const rss0 = process.memoryUsage().rss; let t = process.hrtime.bigint();
        await b.phonemize('hello', 'a', { lexicon: ${JSON.stringify(shipped(false))} });
        const first = Number(process.hrtime.bigint() - t) / 1e6; const rss1 = process.memoryUsage().rss;
        t = process.hrtime.bigint();
        await b.phonemize('hello', 'a', { lexicon: ${JSON.stringify(shipped(false))} });
        const second = Number(process.hrtime.bigint() - t) / 1e6;
        console.log(JSON.stringify({ firstCallMs: first.toFixed(1), laterCallMs: second.toFixed(2), rssGrowthMB: ((rss1 - rss0) / 2 ** 20).toFixed(1) }));
      })();`;
    report.lexiconLoad = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim().split('\n').pop());

    // 5. Speed: a 10,000-word text (the README's prose, code blocks removed, repeated),
    // phonemized sentence by sentence as a stream does, lexicon G2P vs espeak-ng alone, alternated.
    const prose = readFileSync(join(root, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, ' ').replace(/[|`#*]/g, ' ');
    const proseWords = prose.split(/\s+/).filter(Boolean);
    const words = [];
    while (words.length < 10_000) words.push(...proseWords);
    const text = words.slice(0, 10_000).join(' ');
    const sentences = text.split(/(?<=[.!?])\s+/);
    const times = { lexicon: [], espeak: [] };
    let phonemeCount = 0;
    for (let run = 0; run < RUNS; ++run) {
      for (const mode of run % 2 === 0 ? ['lexicon', 'espeak'] : ['espeak', 'lexicon']) {
        const settings = mode === 'lexicon' ? { lexicon: shipped(false) } : undefined;
        const t = process.hrtime.bigint();
        let count = 0;
        for (const sentence of sentences) count += [...await binding.phonemize(sentence, 'a', settings)].length;
        times[mode].push(Number(process.hrtime.bigint() - t) / 1e9);
        if (mode === 'lexicon') phonemeCount = count;
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const lexiconSeconds = median(times.lexicon);
    // Audio length from the phoneme count at ~3 frames (75 ms) per token, as the benchmark model
    // and the real model speak; synthesis time from the measured stream rate (BENCHMARKS.md: 1.50
    // audio s per wall s, 1 thread, 2-vCPU machine).
    const audioSeconds = phonemeCount * 0.075;
    report.speed = {
      words: 10_000, sentences: sentences.length, phonemes: phonemeCount, runs: RUNS,
      lexiconG2PSeconds: lexiconSeconds.toFixed(2), espeakOnlySeconds: median(times.espeak).toFixed(2),
      ratioLexiconToEspeak: (lexiconSeconds / median(times.espeak)).toFixed(2),
      phonemesPerSecond: Math.round(phonemeCount / lexiconSeconds),
      estimatedAudioSeconds: Math.round(audioSeconds), estimatedSynthesisSeconds: Math.round(audioSeconds / 1.5),
      phonemizeShareOfSynthesis: (100 * lexiconSeconds / (audioSeconds / 1.5)).toFixed(2) + ' %',
    };
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 2));
