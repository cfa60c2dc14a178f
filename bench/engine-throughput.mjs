#!/usr/bin/env node
// The executor under concurrent streams: aggregate audio seconds per wall second with N
// concurrent streams, with dynamic batching (batch.maxSize 8) and without (maxSize 1), and the
// time to first audio of a long text. Both configurations are loaded side by side and
// alternated stream count by stream count, so that a busy machine hurts both alike. Full-size
// random model from the real v1.0 config.json (see bench/model-speed.mjs).
//
//   node bench/engine-throughput.mjs [--streams 1,8,32] [--chars 2000] [--first-chars 2000]
//                                    [--executors N] [--threads N] [--batch 8] [--window-ms 0]
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ModelManager, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1,8,32' }, chars: { type: 'string', default: '2000' },
    'first-chars': { type: 'string', default: '2000' }, executors: { type: 'string' }, threads: { type: 'string' },
    batch: { type: 'string', default: '8' }, 'window-ms': { type: 'string', default: '0' },
  },
});
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');

function modelsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'kokoro-bench-'));
  mkdirSync(join(dir, 'v1_0'));
  copyFileSync(config, join(dir, 'v1_0', 'config.json'));
  symlinkSync(weights, join(dir, 'v1_0', 'kokoro-v1_0.pth'));
  symlinkSync(join(sharedDir, 'kokoro-v1_0', 'voices'), join(dir, 'v1_0', 'voices'));
  return dir;
}

const SENTENCES = [
  'The morning train left the station a little after seven, carrying commuters into the city.',
  'Most of them read the news on their phones, while a few stared out at the passing fields.',
  'Nobody noticed the old man in the corner seat, who was quietly sketching the faces around him.',
  'By the time the train reached the river, he had filled three pages with careful drawings.',
];
function text(chars, offset) {
  let out = '';
  for (let i = offset; out.length < chars; i++) out += (out ? ' ' : '') + SENTENCES[i % SENTENCES.length];
  return out;
}

const engine = {
  device: 'cpu',
  ...(values.executors ? { executors: Number(values.executors) } : {}),
  ...(values.threads ? { threads: Number(values.threads) } : {}),
};
const windowMs = Number(values['window-ms']);
const configs = {
  batched: new ModelManager({ modelsDir: modelsDir(), ...engine, batch: { maxSize: Number(values.batch), windowMs } }),
  unbatched: new ModelManager({ modelsDir: modelsDir(), ...engine, batch: { maxSize: 1 } }),
};
const models = {};
for (const [name, manager] of Object.entries(configs)) {
  models[name] = await manager.getModel('v1.0');
  await models[name].synthesize('Warm up.', { voice: 'af_heart', lang: 'a' });
}

async function stream(model, input, seed, firstOnly) {
  const start = performance.now();
  let first = 0;
  let samples = 0;
  for await (const chunk of model.generate(input, { voice: 'af_heart', lang: 'a', seed })) {
    if (!first) first = performance.now() - start;
    samples += chunk.audio.length;
    if (firstOnly) break;
  }
  return { firstChunkMs: first, audioSeconds: samples / 24000 };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const n of values.streams.split(',').map(Number)) {
  for (const name of n % 2 ? ['batched', 'unbatched'] : ['unbatched', 'batched']) {
    const model = models[name];
    const before = model.stats();
    const start = performance.now();
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => stream(model, text(Number(values.chars), i), i, false)));
    const wall = (performance.now() - start) / 1000;
    const after = model.stats();
    const audio = runs.reduce((a, r) => a + r.audioSeconds, 0);
    const passes = after.batches - before.batches;
    // Time to first audio of a long text, alone in the model: the first chunk only.
    const firsts = await Promise.all(Array.from({ length: n }, (_, i) => stream(model, text(Number(values['first-chars']), i), i, true)));
    results.push({
      config: name, streams: n, wallSeconds: Number(wall.toFixed(1)), audioSeconds: Number(audio.toFixed(1)),
      audioSecondsPerWallSecond: Number((audio / wall).toFixed(2)),
      meanRequestsPerPass: Number(((after.completed - before.completed) / Math.max(1, passes)).toFixed(2)),
      firstChunkMsMedianInRun: Math.round(median(runs.map((r) => r.firstChunkMs))),
      firstAudioMsMedianLongText: Math.round(median(firsts.map((r) => r.firstChunkMs))),
      stageSeconds: {
        predict: Number((after.stageSeconds.predict - before.stageSeconds.predict).toFixed(1)),
        decode: Number((after.stageSeconds.decode - before.stageSeconds.decode).toFixed(1)),
      },
    });
    console.error(JSON.stringify(results.at(-1)));
  }
}
const statsShape = models.batched.stats();
await Promise.all(Object.values(configs).map((m) => m.dispose()));
const info = runtimeInfo();
console.log(JSON.stringify({
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, load average at end ${loadavg()[0].toFixed(1)} (shared machine)`,
  executors: statsShape.executors, threadsPerExecutor: statsShape.threadsPerExecutor,
  batch: { maxSize: Number(values.batch), windowMs }, textCharacters: Number(values.chars),
  torch: info.torchVersion, blas: info.blas.split(' ').slice(0, 2).join(' '),
  results, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
}, null, 2));
