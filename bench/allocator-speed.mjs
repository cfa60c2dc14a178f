#!/usr/bin/env node
// Speed of inference under each allocator setting, in ONE run: one child process per setting
// (the allocator is chosen when the addon loads), each with the same full-size model, input,
// seed and threads, taking turns request by request so that load from other processes hits
// all of them alike. Reports each setting's median time, its ratio to glibc's defaults, and
// each child's peak RSS.
//
//   node bench/allocator-speed.mjs [--precision fp32|bf16] [--threads 2] [--rounds 5] [--tokens 112]
//                                  [--settings pool,glibc,tuned,pool-dynamic]
//
// Settings: pool = the tensor pool with glibc's mmap threshold fixed at 128 KiB (the default);
// pool-dynamic = the pool with glibc untouched (KOKORO_MALLOC_TUNING=0); glibc =
// KOKORO_TENSOR_POOL=0 (glibc's defaults); tuned = KOKORO_TENSOR_POOL=0 KOKORO_MALLOC_TUNING=1
// (fixed mmap threshold).
// Needs: `npm install`, ../shared and the full-size random checkpoint (see bench/model-speed.mjs).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ensureFullModel, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: {
    precision: { type: 'string', default: 'fp32' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    tokens: { type: 'string', default: '112' },
    settings: { type: 'string', default: 'pool,glibc' },
    worker: { type: 'boolean', default: false },
  },
});
const TEXT = 'ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. ';
const ENVIRONMENTS = {
  pool: {},
  'pool-dynamic': { KOKORO_MALLOC_TUNING: '0' },
  glibc: { KOKORO_TENSOR_POOL: '0' },
  tuned: { KOKORO_TENSOR_POOL: '0', KOKORO_MALLOC_TUNING: '1' },
};

if (values.worker) {
  // One setting: load, then answer each line (a seed) with the seconds one inference took.
  const { KModel, runtimeInfo } = await import('../dist/index.js');
  const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
  const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');
  const phonemes = TEXT.repeat(10).slice(0, Number(values.tokens));
  const model = await KModel.load({ config, weights: ensureFullModel(), device: 'cpu', threads: Number(values.threads), precision: values.precision });
  console.log(JSON.stringify({ ready: true, allocator: runtimeInfo().allocator }));
  for await (const line of createInterface({ input: process.stdin })) {
    const start = performance.now();
    await model.infer(phonemes, voice, { seed: Number(line) });
    const seconds = (performance.now() - start) / 1000;
    console.log(JSON.stringify({ seconds, peakMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
  }
  await model.dispose();
  process.exit(0);
}

if (!ensureFullModel()) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const settings = values.settings.split(',');
const workers = {};
for (const name of settings) {
  if (!ENVIRONMENTS[name]) throw new Error(`unknown setting ${name}: use ${Object.keys(ENVIRONMENTS).join(', ')}`);
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker', '--precision', values.precision,
    '--threads', values.threads, '--tokens', values.tokens], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, KOKORO_TENSOR_POOL: '', KOKORO_MALLOC_TUNING: '', ...ENVIRONMENTS[name] },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value);
  workers[name] = { child, next, allocator: (await next()).allocator, times: [], peakMiB: 0 };
}
async function run(worker, seed) {
  worker.child.stdin.write(`${seed}\n`);
  const answer = await worker.next();
  worker.peakMiB = answer.peakMiB;
  return answer.seconds;
}

for (const worker of Object.values(workers)) await run(worker, 0); // warm-up
for (let round = 0; round < Number(values.rounds); round++) {
  // Alternate which setting goes first, so that neither always follows the other.
  const order = round % 2 === 0 ? settings : [...settings].reverse();
  for (const name of order) workers[name].times.push(await run(workers[name], round + 1));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = workers.glibc ? median(workers.glibc.times) : undefined;
console.log(JSON.stringify({
  date: new Date().toISOString(),
  precision: values.precision,
  threads: Number(values.threads),
  tokens: Number(values.tokens),
  rounds: Number(values.rounds),
  settings: Object.fromEntries(Object.entries(workers).map(([name, w]) => [name, {
    allocator: w.allocator,
    medianSeconds: Number(median(w.times).toFixed(3)),
    ratioToGlibcDefaults: base ? Number((median(w.times) / base).toFixed(3)) : null,
    // Per round, against glibc's run of the same round: robust to load changing between rounds.
    perRoundRatioMedian: workers.glibc ? Number(median(w.times.map((t, i) => t / workers.glibc.times[i])).toFixed(3)) : null,
    times: w.times.map((t) => Number(t.toFixed(3))),
    peakRssMiB: w.peakMiB,
  }])),
}, null, 2));
for (const worker of Object.values(workers)) worker.child.stdin.end();
