#!/usr/bin/env node
// What the fp32 convolution tiles cost in speed: one fp32 model (full-size random weights, real
// v1.0 config), `KOKORO_CONV_TILES` switched on and off call by call (read at every call),
// alternated round by round, for a short input (below the 32 MiB gate: the same code both ways,
// so its ratio shows the noise) and a 244-token one (tiled). Also checks the audio is the same
// bit for bit either way.
//
//   node bench/conv-tiles.mjs [--tokens 112,244] [--rounds 4] [--threads 2]
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { KModel } from '../dist/index.js';
import { ensureFullModel, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: { tokens: { type: 'string', default: '112,244' }, rounds: { type: 'string', default: '4' }, threads: { type: 'string', default: '2' } },
});
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const model = await KModel.load({
  config: join(sharedDir, 'kokoro-v1_0', 'config.json'), weights, device: 'cpu', threads: Number(values.threads), executors: 1, precision: 'fp32',
});
const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');
const SENTENCE = 'ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ ænd ɹˈʌnz əwˈA ɪntu ðə fˈɔɹɪst. ';
const phonemesOf = (tokens) => [...SENTENCE.repeat(Math.ceil(tokens / 40) + 1)].slice(0, tokens).join('').trimEnd();
const setTiles = (on) => { if (on) delete process.env.KOKORO_CONV_TILES; else process.env.KOKORO_CONV_TILES = '0'; };
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const tokens of values.tokens.split(',').map(Number)) {
  const seconds = { tiles: [], whole: [] };
  const audio = {};
  await model.infer(phonemesOf(tokens), voice, { seed: 0 });
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const mode of round % 2 ? ['whole', 'tiles'] : ['tiles', 'whole']) {
      setTiles(mode === 'tiles');
      const start = performance.now();
      const result = await model.infer(phonemesOf(tokens), voice, { seed: 7 });
      seconds[mode].push((performance.now() - start) / 1000);
      audio[mode] = result.audio;
    }
  }
  setTiles(true);
  rows.push({
    tokens, audioSeconds: Number((audio.tiles.length / 24000).toFixed(1)),
    tilesSeconds: seconds.tiles.map((s) => Number(s.toFixed(2))), wholeSeconds: seconds.whole.map((s) => Number(s.toFixed(2))),
    medianRoundRatio: Number(median(seconds.tiles.map((s, i) => s / seconds.whole[i])).toFixed(3)),
    bitIdentical: Buffer.from(audio.tiles.buffer).equals(Buffer.from(audio.whole.buffer)),
  });
}
console.log(JSON.stringify({ date: new Date().toISOString(), threads: Number(values.threads), rows }, null, 1));
model.dispose?.();
