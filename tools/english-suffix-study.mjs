#!/usr/bin/env node
// Studies how morphology misses inflected forms of misaki's lexicons, on words disjoint from the
// bench's evaluation samples (tools/held-out-forms.mjs: evaluationWords, the samples of both
// tiers and of gold alone), so that rules found here are measured on words they were not drawn
// from. For each dialect it holds out a sample, rebuilds it with the native G2P, and reports
// agreement by suffix and lexicon tier, what the misses of one suffix (-ing unless --suffix)
// differ in (stress only, reduced-vowel spelling only, both, other sounds), and how many held-out
// silver forms espeak-ng alone reproduces (the silver tier's -ing forms read as espeak reads the
// whole word, which the stem's phonemes cannot tell).
// Needs ../shared/data/misaki-lexicon and the built addon.
// Usage: node tools/english-suffix-study.mjs [--sample 3000] [--seed 99] [--misses 40] [--suffix ing]
//                                            [--tier all|gold]
// (--misses lists misses of the chosen suffix, or of -ing when none is chosen.)
// (--suffix ing --sample 100000: every -ing form outside the evaluation samples, the "study pool"
// of BENCHMARKS.md.)
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { evaluationWords, formsOfTier, inflectedForms, lexiconWithout, sampleWords, suffixOf, tierOf } from './held-out-forms.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { sample: { type: 'string', default: '3000' }, seed: { type: 'string', default: '99' },
  misses: { type: 'string', default: '0' }, suffix: { type: 'string' }, tier: { type: 'string', default: 'all' } } });
const binding = createRequire(import.meta.url)(join(root, 'build', 'Release', 'kokoro_native.node'));
const source = join(root, '..', 'shared', 'data', 'misaki-lexicon');
const v1 = (ps) => ps.replaceAll('ɾ', 'T').replaceAll('ʔ', 't');
const stressless = (ps) => ps.replace(/[ˈˌ]/g, '');
const oneReducedVowel = (ps) => ps.replace(/[ᵻɪəʊʌ]/g, 'ə').replace(/ᵊ/g, 'ə');
const percent = (a, b) => `${a}/${b} (${(100 * a / b).toFixed(1)} %)`;

const scratch = mkdtempSync(join(tmpdir(), 'kokoro-suffix-study-'));
const report = {};
try {
  for (const [dialect, prefix, code] of [['en-us', 'us', 'a'], ['en-gb', 'gb', 'b']]) {
    const read = (tier) => JSON.parse(readFileSync(join(source, `${prefix}_${tier}.json`), 'utf8'));
    const gold = read('gold'), silver = read('silver');
    const { entry } = inflectedForms(gold, silver);
    const forms = formsOfTier(gold, silver, values.tier);
    const evaluated = evaluationWords(gold, silver);
    const outside = forms.filter((w) => !evaluated.has(w) && (!values.suffix || suffixOf(w) === `-${values.suffix}`));
    const words = sampleWords(outside, Number(values.sample), Number(values.seed));
    const path = join(scratch, `${dialect}.lexicon`);
    writeFileSync(path, lexiconWithout(dialect, gold, silver, words));
    const rebuilt = await Promise.all(words.map((w) => binding.phonemize(w, code, { lexicon: path, normalization: false })));
    const espeak = await Promise.all(words.map((w) => binding.phonemize(w, code)));

    const groups = {};
    const differences = { stressOnly: 0, reducedVowelSpellingOnly: 0, both: 0, otherSounds: 0 };
    const espeakOnSilver = { ing: [0, 0], other: [0, 0] };
    const misses = [];
    words.forEach((w, i) => {
      const want = v1(entry(w));
      const tier = tierOf(gold, w);
      const key = `${suffixOf(w)} ${tier}`;
      groups[key] ??= [0, 0];
      groups[key][1]++;
      if (rebuilt[i] === want) groups[key][0]++;
      if (tier === 'silver') {
        const counts = espeakOnSilver[suffixOf(w) === '-ing' ? 'ing' : 'other'];
        counts[1]++;
        if (espeak[i] === want) counts[0]++;
      }
      if (rebuilt[i] === want || suffixOf(w) !== `-${values.suffix ?? 'ing'}`) return;
      if (misses.length < Number(values.misses)) misses.push(`${w}: ${rebuilt[i]} ≠ ${want} (${tier}; espeak ${espeak[i]})`);
      if (stressless(rebuilt[i]) === stressless(want)) differences.stressOnly++;
      else if (oneReducedVowel(rebuilt[i]) === oneReducedVowel(want)) differences.reducedVowelSpellingOnly++;
      else if (oneReducedVowel(stressless(rebuilt[i])) === oneReducedVowel(stressless(want))) differences.both++;
      else differences.otherSounds++;
    });
    const exact = Object.values(groups).reduce((n, [e]) => n + e, 0);
    const fixable = differences.stressOnly + differences.reducedVowelSpellingOnly + differences.both;
    report[dialect] = {
      words: words.length, tier: values.tier, pool: outside.length, seed: Number(values.seed), exact: percent(exact, words.length),
      byGroup: Object.fromEntries(Object.entries(groups).sort().map(([k, [e, n]]) => [k, percent(e, n)])),
      [`${values.suffix ?? 'ing'}MissesDifferIn`]: differences,
      ceilingIfEveryOfTheseMissesOfStressOrVowelSpellingWereFixed: percent(exact + fixable, words.length),
      espeakAloneReproducesSilver: { '-ing': percent(...espeakOnSilver.ing), '-s and -ed': percent(...espeakOnSilver.other) },
      misses,
    };
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 2));
