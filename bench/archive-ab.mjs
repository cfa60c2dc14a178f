#!/usr/bin/env node
// Two TorchScript archives of the same model structure (models/arch/*.pt, e.g. one exported before
// and one after a change to models/kokoro_ts) in ONE process on the full-size random weights,
// taking turns round by round, so that a model-code change is measured against its baseline
// under the same machine load.
//
//   git show <commit>:models/arch/kokoro-331202210bed.pt > /tmp/baseline.pt
//   node bench/archive-ab.mjs --baseline /tmp/baseline.pt [--candidate models/arch/...pt]
//        [--precision bf16] [--threads 2] [--rounds 6] [--lengths same|new] [--phonemes 112]
//
// --lengths same: the 112-phoneme input of bench/cpu-speed.mjs every round (oneDNN's primitive
// cache warm). --lengths new: every round an input length neither archive has seen (101, 102,
// ... phonemes), so that per-shape costs (oneDNN creating its primitives) count, as they do for
// a server whose requests differ in length. --phonemes N: N phonemes instead of 112 (new
// lengths N - 12 + round), e.g. 12 for the short first chunks whose fixed cost matters. Prints
// JSON: seconds per round, per-round ratio candidate / baseline and its median, and the same
// for the decode stage alone (stats().stageSeconds).
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { KModel } from '../dist/index.js';
import { ensureFullModel, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    candidate: { type: 'string' },
    precision: { type: 'string', default: 'bf16' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '6' },
    lengths: { type: 'string', default: 'same' },
    phonemes: { type: 'string', default: '112' },
  },
});
if (!values.baseline || !['same', 'new'].includes(values.lengths)) {
  throw new Error('usage: --baseline ARCHIVE.pt [--candidate ARCHIVE.pt] [--lengths same|new]');
}
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and the full-size random checkpoint');
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');
const TEXT = 'ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. '.repeat(4);
const threads = Number(values.threads);
const rounds = Number(values.rounds);
const phonemeCount = Number(values.phonemes);
if (!(phonemeCount >= 12 && phonemeCount <= TEXT.length)) throw new Error(`--phonemes takes 12 to ${TEXT.length}`);

const load = (architecture) => KModel.load({
  config, weights, device: 'cpu', threads, precision: values.precision, ...(architecture ? { architecture } : {}),
});
const models = { baseline: await load(values.baseline), candidate: await load(values.candidate) };
const decodeSeconds = { baseline: [], candidate: [] };
async function run(name, phonemes, seed) {
  const decodeBefore = models[name].stats().stageSeconds.decode;
  const start = performance.now();
  await models[name].infer(TEXT.slice(0, phonemes), voice, { seed });
  const wall = (performance.now() - start) / 1000;
  decodeSeconds[name].push(models[name].stats().stageSeconds.decode - decodeBefore);
  return wall;
}

for (const name of Object.keys(models)) await run(name, phonemeCount, 0); // warm-up
for (const list of Object.values(decodeSeconds)) list.length = 0;
const seconds = { baseline: [], candidate: [] };
for (let round = 1; round <= rounds; round++) {
  const phonemes = values.lengths === 'same' ? phonemeCount : phonemeCount - 12 + round;
  const order = round % 2 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
  for (const name of order) seconds[name].push(await run(name, phonemes, round));
}
for (const model of Object.values(models)) await model.dispose();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratios = seconds.candidate.map((t, i) => t / seconds.baseline[i]);
const decodeRatios = decodeSeconds.candidate.map((t, i) => t / decodeSeconds.baseline[i]);
const rounded = (xs) => xs.map((x) => Number(x.toFixed(3)));
console.log(JSON.stringify({
  date: new Date().toISOString(),
  precision: values.precision,
  threads,
  lengths: values.lengths,
  phonemes: phonemeCount,
  baseline: values.baseline,
  candidate: values.candidate ?? 'packaged archive',
  seconds: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, v.map((t) => Number(t.toFixed(3)))])),
  roundRatios: rounded(ratios),
  medianRoundRatio: Number(median(ratios).toFixed(3)),
  decodeSeconds: Object.fromEntries(Object.entries(decodeSeconds).map(([k, v]) => [k, rounded(v)])),
  medianDecodeRatio: Number(median(decodeRatios).toFixed(3)),
}, null, 2));
