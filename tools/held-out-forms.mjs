// Held-out inflected forms of misaki's lexicons, one definition for bench/english-g2p.mjs (which
// measures morphology on them) and tools/english-suffix-study.mjs (which studies the misses on
// words outside the bench's samples).
import { formatLexicon } from './lexicon-format.mjs';

/** Seeds of the bench's evaluation samples; the suffix study draws its words outside them. */
export const EVALUATION_SEEDS = [12345, 20261201];

/** Size of each evaluation sample (the bench's default --sample). */
export const EVALUATION_SAMPLE = 2000;

/** `n` words of `list` in a deterministic shuffled order (a small LCG), so that runs compare. */
export function sampleWords(list, n, seed) {
  let state = seed;
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; --i) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

/**
 * Lower-case plain entries ending in -s, -ed or -ing whose stem (as misaki's rules find it) is a
 * plain entry too: `forms`, with `stemOf(form)` and `entry(word)` (gold before silver).
 */
export function inflectedForms(gold, silver) {
  const has = (w) => typeof gold[w] === 'string' || typeof silver[w] === 'string';
  const entry = (w) => gold[w] ?? silver[w];
  const stemOf = (w) => {
    if (w.endsWith('ing') && w.length >= 5) return [w.slice(0, -3), w.slice(0, -3) + 'e', w.slice(0, -4)].find(has);
    if (w.endsWith('ed') && w.length >= 5) return [w.slice(0, -1), w.slice(0, -2)].find(has);
    if (w.endsWith('s') && w.length >= 4 && !w.endsWith('ss')) {
      return [w.slice(0, -1), w.endsWith('es') ? w.slice(0, -2) : '', w.endsWith('ies') ? w.slice(0, -3) + 'y' : ''].find((s) => s && has(s));
    }
    return undefined;
  };
  const forms = Object.keys({ ...silver, ...gold }).filter((w) =>
    /^[a-z]+$/.test(w) && typeof entry(w) === 'string' && stemOf(w) !== undefined);
  return { forms, stemOf, entry };
}

/** The tier a word is written in, gold (hand-written) before silver (machine-generated). */
export const tierOf = (gold, w) => (typeof gold[w] === 'string' ? 'gold' : 'silver');

/** The inflected forms of `inflectedForms`, all of them (`tier` 'all') or those of one tier, in the same order. */
export function formsOfTier(gold, silver, tier) {
  const { forms } = inflectedForms(gold, silver);
  return tier === 'all' ? forms : forms.filter((w) => tierOf(gold, w) === tier);
}

/**
 * Every word of the bench's evaluation samples, drawn from all forms and from the gold forms
 * alone (--tier gold), with each of EVALUATION_SEEDS.
 */
export function evaluationWords(gold, silver) {
  return new Set(['all', 'gold'].flatMap((tier) => {
    const forms = formsOfTier(gold, silver, tier);
    return EVALUATION_SEEDS.flatMap((seed) => sampleWords(forms, EVALUATION_SAMPLE, seed));
  }));
}

/** The lexicon file's text without `words` (in any capitalisation), in both tiers. */
export function lexiconWithout(dialect, gold, silver, words) {
  const held = new Set(words);
  const without = (lex) => Object.fromEntries(Object.entries(lex).filter(([k]) => !held.has(k) && !held.has(k.toLowerCase())));
  return formatLexicon(dialect, without(gold), without(silver));
}

/** Which suffix a held-out form has. */
export const suffixOf = (w) => (w.endsWith('ing') ? '-ing' : w.endsWith('ed') ? '-ed' : '-s');
