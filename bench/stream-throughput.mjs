#!/usr/bin/env node
// Streaming text-to-speech on this machine: time to first chunk and audio seconds per wall
// second for a ~2,000-character English text, with 1 and with 8 concurrent streams, and peak
// RSS; full-size random model from the real v1.0 config.json (see bench/model-speed.mjs).
//
//   node bench/stream-throughput.mjs [--threads N] [--streams 1,8]
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ModelManager, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, sharedDir, makeBenchModelsDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, streams: { type: 'string', default: '1,8' } } });
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const modelsDir = makeBenchModelsDir(config, weights);

const SENTENCES = [
  'The morning train left the station a little after seven, carrying commuters into the city.',
  'Most of them read the news on their phones, while a few stared out at the passing fields.',
  'Nobody noticed the old man in the corner seat, who was quietly sketching the faces around him.',
  'By the time the train reached the river, he had filled three pages with careful drawings.',
];
let TEXT = '';
for (let i = 0; TEXT.length < 2000; i++) TEXT += (TEXT ? ' ' : '') + SENTENCES[i % SENTENCES.length];

const manager = new ModelManager({ modelsDir, device: 'cpu', threads: Number(values.threads) });
const model = await manager.getModel('v1.0');
await model.synthesize('Warm up.', { voice: 'af_heart', lang: 'a' });

async function stream(seed) {
  const start = performance.now();
  let first = 0;
  let samples = 0;
  for await (const chunk of model.generate(TEXT, { voice: 'af_heart', lang: 'a', seed })) {
    if (!first) first = performance.now() - start;
    samples += chunk.audio.length;
  }
  return { firstChunkMs: first, audioSeconds: samples / 24000 };
}

const results = [];
for (const n of values.streams.split(',').map(Number)) {
  const start = performance.now();
  const runs = await Promise.all(Array.from({ length: n }, (_, i) => stream(i)));
  const wall = (performance.now() - start) / 1000;
  const audio = runs.reduce((a, r) => a + r.audioSeconds, 0);
  results.push({
    streams: n,
    textCharacters: TEXT.length,
    wallSeconds: Number(wall.toFixed(1)),
    audioSecondsTotal: Number(audio.toFixed(1)),
    audioSecondsPerWallSecond: Number((audio / wall).toFixed(2)),
    firstChunkMsMedian: Math.round(runs.map((r) => r.firstChunkMs).sort((a, b) => a - b)[Math.floor(n / 2)]),
  });
}
await manager.dispose();
const info = runtimeInfo();
console.log(JSON.stringify({
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`,
  threadsPerInference: Number(values.threads),
  torch: info.torchVersion,
  blas: info.blas.split(' ').slice(0, 2).join(' '),
  results,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
}, null, 2));
