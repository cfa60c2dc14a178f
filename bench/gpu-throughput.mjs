#!/usr/bin/env node
// The executor on a GPU: aggregate audio seconds per wall second with 1, 8 and 32 concurrent
// streams (dynamic batching on), time to first chunk, and GPU memory (nvidia-smi, sampled);
// reference = the same model with batching off and one executor, streams run one after another
// on the same GPU (the sequential baseline the issue asks for; a Python eager baseline is
// bench/python-reference.py). Skips (exit 0) when this libtorch/machine has no CUDA.
//
//   node bench/gpu-throughput.mjs [--streams 1,8,32] [--chars 1000] [--executors 2] [--batch 32] [--window-ms 2]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ModelManager, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, sharedDir, makeBenchModelsDir } from '../test/helpers/environment.mjs';

const info = runtimeInfo();
if (!info.cudaAvailable) {
  console.log(JSON.stringify({ skipped: `no CUDA in this libtorch (${info.torchVersion}) or machine` }));
  process.exit(0);
}
const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1,8,32' }, chars: { type: 'string', default: '1000' },
    executors: { type: 'string', default: '2' }, batch: { type: 'string', default: '32' }, 'window-ms': { type: 'string', default: '2' },
  },
});
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const modelsDir = () => makeBenchModelsDir(config, weights, 'kokoro-gpu-bench-');
function gpuMemoryMiB() {
  const out = spawnSync('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], { encoding: 'utf8' });
  return out.status === 0 ? Number(out.stdout.split('\n')[0]) : undefined;
}

const SENTENCES = [
  'The morning train left the station a little after seven, carrying commuters into the city.',
  'Most of them read the news on their phones, while a few stared out at the passing fields.',
  'Nobody noticed the old man in the corner seat, who was quietly sketching the faces around him.',
  'By the time the train reached the river, he had filled three pages with careful drawings.',
];
function text(offset) {
  let out = '';
  for (let i = offset; out.length < Number(values.chars); i++) out += (out ? ' ' : '') + SENTENCES[i % SENTENCES.length];
  return out;
}
async function stream(model, seed) {
  const start = performance.now();
  let first = 0;
  let samples = 0;
  for await (const chunk of model.generate(text(seed), { voice: 'af_heart', lang: 'a', seed })) {
    if (!first) first = performance.now() - start;
    samples += chunk.audio.length;
  }
  return { firstChunkMs: first, audioSeconds: samples / 24000 };
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const batched = new ModelManager({
  modelsDir: modelsDir(), device: 'cuda', executors: Number(values.executors),
  batch: { maxSize: Number(values.batch), windowMs: Number(values['window-ms']) },
});
const reference = new ModelManager({ modelsDir: modelsDir(), device: 'cuda', executors: 1, batch: { maxSize: 1 } });
const models = { batched: await batched.getModel('v1.0'), reference: await reference.getModel('v1.0') };
for (const model of Object.values(models)) await model.synthesize('Warm up the kernels.', { voice: 'af_heart', lang: 'a' });

let peakMiB = gpuMemoryMiB() ?? 0;
const sampler = setInterval(() => { peakMiB = Math.max(peakMiB, gpuMemoryMiB() ?? 0); }, 500);
const results = [];
for (const n of values.streams.split(',').map(Number)) {
  for (const name of ['reference', 'batched']) {
    const start = performance.now();
    const runs = [];
    if (name === 'reference') for (let i = 0; i < n; i++) runs.push(await stream(models.reference, i));
    else runs.push(...await Promise.all(Array.from({ length: n }, (_, i) => stream(models.batched, i))));
    const wall = (performance.now() - start) / 1000;
    const audio = runs.reduce((a, r) => a + r.audioSeconds, 0);
    results.push({
      config: name, streams: n, audioSecondsPerWallSecond: Number((audio / wall).toFixed(2)),
      firstChunkMsMedian: Math.round(median(runs.map((r) => r.firstChunkMs))), wallSeconds: Number(wall.toFixed(1)),
    });
    console.error(JSON.stringify(results.at(-1)));
  }
}
clearInterval(sampler);
const stats = models.batched.stats();
await Promise.all([batched.dispose(), reference.dispose()]);
console.log(JSON.stringify({
  date: new Date().toISOString().slice(0, 10), torch: info.torchVersion, gpus: info.cudaDeviceCount,
  executors: stats.executors, batch: { maxSize: Number(values.batch), windowMs: Number(values['window-ms']) },
  batchSizeCounts: stats.batchSizeCounts, results, peakGpuMemoryMiB: peakMiB,
}, null, 2));
