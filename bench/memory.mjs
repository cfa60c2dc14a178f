#!/usr/bin/env node
// Memory of the whole process with the full-size model: RSS after loading (load peak), peak RSS
// of one 244-token inference, and RSS after each of N consecutive inferences of mixed lengths
// (flat means freed memory goes back to the system, not into the allocator's free lists).
//
//   node bench/memory.mjs [--precision fp32|bf16|auto] [--threads 2|a] [--count 100] [--architecture A.pt]
// (`--threads a`: the CPU default, adaptive threads on one executor per CPU)
//   KOKORO_MALLOC_TUNING=1 node bench/memory.mjs ...     # with the opt-in malloc tuning, for comparison
//
// Needs: `npm install`, ../shared and the full-size random checkpoint (see bench/model-speed.mjs).
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { KModel, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: {
    precision: { type: 'string', default: 'auto' },
    threads: { type: 'string', default: '2' },
    count: { type: 'string', default: '100' },
    // Another TorchScript archive (e.g. `git show <commit>:models/arch/kokoro-331202210bed.pt`),
    // to measure a model-code change against its baseline.
    architecture: { type: 'string' },
  },
});
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');

const MiB = (bytes) => Math.round(bytes / 2 ** 20);
const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const TEXT = 'ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ. ';
const LONG = TEXT.repeat(5).trim(); // 244 tokens
const LENGTHS = [20, 112, 60, 244, 35, 180, 90, 150, 10, 200]; // the mixed series cycles these

const baseline = MiB(process.memoryUsage().rss);
const threads = values.threads === 'a' ? 'adaptive' : Number(values.threads);
const model = await KModel.load({ config, weights, device: 'cpu', threads, precision: values.precision,
  ...(values.architecture ? { architecture: values.architecture } : {}) });
const loadPeak = peakMiB();
const afterLoad = MiB(process.memoryUsage().rss);
await model.infer(LONG, voice, { seed: 0 });
const longPeak = peakMiB();

const series = [];
for (let i = 0; i < Number(values.count); i++) {
  const phonemes = TEXT.repeat(6).slice(0, LENGTHS[i % LENGTHS.length]).trim();
  await model.infer(phonemes, voice, { seed: i });
  series.push(MiB(process.memoryUsage().rss));
}
const mean = (xs) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
const info = runtimeInfo();
console.log(JSON.stringify({
  date: new Date().toISOString(),
  precision: model.precision,
  threads: model.threads,
  adaptiveCores: model.adaptiveCores,
  allocator: info.allocator,
  rssMiB: { beforeLoad: baseline, afterLoad, loadPeak, peakAfter244Tokens: longPeak, peakOverall: peakMiB() },
  series: {
    count: series.length,
    first10Mean: mean(series.slice(0, 10)),
    last10Mean: mean(series.slice(-10)),
    min: Math.min(...series),
    max: Math.max(...series),
    every10th: series.filter((_, i) => i % 10 === 9),
  },
}, null, 2));
await model.dispose();
