#!/usr/bin/env node
// Our infer vs the official computation in eager PyTorch (bench/python-reference.py --serve),
// in ONE run, same full-size weights, same 112-phoneme input, same seed and threads, taking
// turns run by run (reference, fp32, bf16, reference, ...) so that load from other processes
// hits all of them alike. Reports the median time of each and the ratios to the reference.
//
//   node bench/cpu-speed.mjs [--threads 2] [--rounds 5] [--precisions fp32,bf16] [--fused on,off]
//
// --fused on,off also runs each precision with the fused CPU kernels off (KOKORO_FUSED=0, which
// the addon reads at every call), alternated with the rest ("fp32", "fp32 unfused", ...).
//
// Needs: `npm install`, ../shared, /usr/bin/python3 with torch, the full-size random checkpoint.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { KModel, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, findPythonWithTorch, repoRoot, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    precisions: { type: 'string', default: 'fp32,bf16' },
    fused: { type: 'string', default: 'on' },
  },
});
const threads = Number(values.threads);
const rounds = Number(values.rounds);
const weights = ensureFullModel();
const python = findPythonWithTorch();
if (!weights || !python) throw new Error('needs ../shared, python3 with torch and the full-size random checkpoint');
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');
const PHONEMES = 'ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. '.repeat(3).slice(0, 112);

// The reference, as a child answering one request per line.
const child = spawn(python, [join(repoRoot, 'bench', 'python-reference.py'), '--serve', String(threads)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const nextLine = async () => JSON.parse((await lines.next()).value);
await nextLine(); // ready
async function reference(seed) {
  child.stdin.write(`${JSON.stringify({ phonemes: PHONEMES, seed })}\n`);
  return (await nextLine()).seconds;
}

const models = {};
const fusedSettings = {}; // variant -> whether the fused kernels run
for (const precision of values.precisions.split(',')) {
  const model = await KModel.load({ config, weights, device: 'cpu', threads, precision });
  for (const fused of values.fused.split(',')) {
    const variant = fused === 'off' ? `${precision} unfused` : precision;
    models[variant] = model;
    fusedSettings[variant] = fused !== 'off';
  }
}
async function native(model, seed, variant) {
  if (fusedSettings[variant]) delete process.env.KOKORO_FUSED;
  else process.env.KOKORO_FUSED = '0';
  const start = performance.now();
  await model.infer(PHONEMES, voice, { seed });
  return (performance.now() - start) / 1000;
}

// Warm-up, then the rounds.
await reference(0);
for (const [variant, model] of Object.entries(models)) await native(model, 0, variant);
const times = { reference: [], ...Object.fromEntries(Object.keys(models).map((p) => [p, []])) };
for (let round = 1; round <= rounds; round++) {
  times.reference.push(await reference(round));
  for (const [variant, model] of Object.entries(models)) times[variant].push(await native(model, round, variant));
}
child.stdin.end();
for (const model of new Set(Object.values(models))) await model.dispose();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
delete process.env.KOKORO_FUSED; // the report states the default
const info = runtimeInfo();
const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
const report = {
  date: new Date().toISOString(),
  cpu: cpuModel,
  threads,
  rounds,
  tokens: [...PHONEMES].length,
  blas: `${info.blas.split(' ').slice(0, 2).join(' ')} (core ${info.blasCoreType || '-'})`,
  onednn: info.onednn,
  allocator: info.allocator,
  fusedKernels: info.fusedKernels,
  medianSeconds: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Number(median(v).toFixed(3))])),
  ratioToReference: Object.fromEntries(Object.keys(models).map((p) => [p, Number((median(times[p]) / median(times.reference)).toFixed(3))])),
  // Ratio of each round (same round = same machine load), then their median: steadier on a shared machine.
  medianRoundRatio: Object.fromEntries(Object.keys(models).map((p) => [p, Number(median(times[p].map((t, i) => t / times.reference[i])).toFixed(3))])),
  seconds: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((t) => Number(t.toFixed(3)))])),
};
console.log(JSON.stringify(report, null, 2));
