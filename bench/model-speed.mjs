#!/usr/bin/env node
// Model speed on this machine: load time, audio seconds per wall second for a short (~20
// tokens) and a long (~250 tokens) phoneme input, and peak RSS, on a full-size random model
// built from the real v1.0 config.json (random weights: speed does not depend on their values,
// but durations do, so audio length per token differs from the real model's).
//
//   node bench/model-speed.mjs [--threads N] [--runs N] [--device cpu|cuda]
//
// Needs: `npm install` (dist/ and the addon), ../shared, and python3 with torch to make the
// random checkpoint (cached under .test-artifacts/).

import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { KModel, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: { threads: { type: 'string', default: '2' }, runs: { type: 'string', default: '3' }, device: { type: 'string', default: 'cpu' } },
});
const threads = Number(values.threads);
const runs = Number(values.runs);
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');
const weights = ensureFullModel();

if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');

const SHORT = 'həlˈO wˈɜɹld, ðɪs ɪz ɐ tˈɛst.'; // 29 tokens
const LONG = ('ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. ').repeat(5).trim(); // ~250 tokens

const t0 = performance.now();
const model = await KModel.load({ config, weights, device: values.device, threads });
const loadSeconds = (performance.now() - t0) / 1000;

async function measure(phonemes) {
  await model.infer(phonemes, voice, { seed: 0 }); // warm-up
  let audioSeconds = 0;
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const r = await model.infer(phonemes, voice, { seed: i });
    audioSeconds += r.audio.length / 24000;
  }
  const wall = (performance.now() - start) / 1000;
  return { tokens: [...phonemes].length, audioSeconds: audioSeconds / runs, wallSeconds: wall / runs, realtimeFactor: audioSeconds / wall };
}

const short = await measure(SHORT);
const long = await measure(LONG);
await model.dispose();
const info = runtimeInfo();
const report = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`,
  device: values.device,
  threads,
  torch: info.torchVersion,
  blas: info.blas.split(' ').slice(0, 2).join(' '),
  loadSeconds: Number(loadSeconds.toFixed(2)),
  short,
  long,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.log(JSON.stringify(report, null, 2));
