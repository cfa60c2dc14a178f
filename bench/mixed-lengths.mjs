#!/usr/bin/env node
// A series of sentence-sized inputs of different lengths, as a stream produces them, on the
// full-size random model: per-call time and audio seconds per wall second. Compare the
// TorchScript executor settings with KOKORO_JIT_OPTIMIZE=1 (profiling executor) vs unset.
//
//   node bench/mixed-lengths.mjs [--threads N]
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { KModel } from '../dist/index.js';
import { fullModelPath, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' } } });
const model = await KModel.load({
  config: join(sharedDir, 'kokoro-v1_0', 'config.json'), weights: fullModelPath(), device: 'cpu', threads: Number(values.threads),
});
const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');
const text = 'ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ ænd ɹˈʌnz əwˈA. '.repeat(3);
const lengths = [40, 55, 70, 85, 100, 62, 77];
let audio = 0;
const perCall = [];
const start = performance.now();
for (const n of lengths) {
  const t = performance.now();
  const result = await model.infer(text.slice(0, n), voice, { seed: 1 });
  perCall.push(Math.round(performance.now() - t));
  audio += result.audio.length / 24000;
}
const wall = (performance.now() - start) / 1000;
await model.dispose();
console.log(JSON.stringify({
  threads: Number(values.threads), jitOptimize: process.env.KOKORO_JIT_OPTIMIZE === '1',
  perCallMs: perCall, audioSeconds: Number(audio.toFixed(2)), audioSecondsPerWallSecond: Number((audio / wall).toFixed(2)),
}));
