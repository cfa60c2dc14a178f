#!/usr/bin/env node
// Soak: N concurrent streams for M minutes on one model, RSS sampled every few seconds, to show
// that memory is flat once warm (no leak per request). Each stream loops over short texts with
// a rotating voice, mixes included (the voice cache must stay bounded too).
// Writes <out>/soak.md (table, slope) and <out>/soak.png (chart, drawn by gnuplot when present).
//
//   node bench/soak.mjs [--streams 2] [--minutes 3] [--interval 5] [--voices 5] [--full] [--gc] [--out bench/results]
// --voices N rotates over the first N voice specs only (1: one voice throughout).
// Defaults suit a 2-core machine; --full uses the full-size random model (else the tiny fixture).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { ModelManager, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, sharedDir, makeBenchModelsDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({ options: {
  streams: { type: 'string', default: '2' }, minutes: { type: 'string', default: '3' },
  interval: { type: 'string', default: '5' }, full: { type: 'boolean', default: false },
  out: { type: 'string', default: 'bench/results' }, gc: { type: 'boolean', default: false },
  voices: { type: 'string', default: '5' },
} });
// --gc collects garbage before every sample, so that RSS growth left after it is not V8's
// uncollected garbage.
setFlagsFromString('--expose-gc');
const collect = values.gc ? runInNewContext('gc') : () => {};
const streams = Number(values.streams);
const durationMs = Number(values.minutes) * 60_000;
const intervalMs = Number(values.interval) * 1000;
const outDir = resolve(values.out);
mkdirSync(outDir, { recursive: true });

const fixture = join(sharedDir, 'fixtures', 'kokoro-tiny');
const config = values.full ? join(sharedDir, 'kokoro-v1_0', 'config.json') : join(fixture, 'config.json');
const weights = values.full ? ensureFullModel() : join(fixture, 'model.pth');
if (!weights) throw new Error('--full needs python3 with torch to make the full-size random checkpoint');
const modelsDir = makeBenchModelsDir(config, weights, 'kokoro-soak-');

const TEXTS = [
  'The morning train left the station a little after seven. Most passengers read the news.',
  'Nobody noticed the old man in the corner seat, quietly sketching the faces around him!',
  'By the time the train reached the river, he had filled three pages. Then he got off.',
];
const VOICES = ['af_heart', 'am_adam', 'bf_emma', 'af_bella(2)+af_sky(1)', 'af_heart+am_michael'].slice(0, Number(values.voices));

const manager = new ModelManager({ modelsDir, device: 'cpu', threads: 1 });
const model = await manager.getModel('v1.0');
const started = performance.now();
const deadline = started + durationMs;
let chunks = 0;
let requests = 0;

async function loop(worker) {
  for (let i = worker; performance.now() < deadline; i += streams) {
    for await (const chunk of model.generate(TEXTS[i % TEXTS.length], { voice: VOICES[i % VOICES.length], lang: 'a', seed: i })) {
      if (chunk.audio.length === 0) throw new Error('empty chunk');
      chunks += 1;
    }
    requests += 1;
  }
}

const samples = [];
const sample = () => {
  collect();
  const memory = process.memoryUsage();
  const pool = runtimeInfo().tensorPool;
  samples.push({
    poolMb: pool ? (pool.liveBytes + pool.cachedBytes) / 2 ** 20 : 0,
    seconds: (performance.now() - started) / 1000, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20,
    externalMb: memory.external / 2 ** 20, requests, chunks,
  });
};
sample();
const timer = setInterval(sample, intervalMs);
await Promise.all(Array.from({ length: streams }, (_, w) => loop(w)));
clearInterval(timer);
sample();
await manager.dispose();

// Least-squares slope over time after the warm-up (the first quarter of the run), MB/min.
const warm = samples.filter((s) => s.seconds >= (durationMs / 1000) / 4);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
function slopePerMinute(key) {
  const mx = mean(warm.map((s) => s.seconds));
  const my = mean(warm.map((s) => s[key]));
  return 60 * warm.reduce((a, s) => a + (s.seconds - mx) * (s[key] - my), 0) / warm.reduce((a, s) => a + (s.seconds - mx) ** 2, 0);
}
const signed = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
const slopeRss = slopePerMinute('rssMb');

const rows = samples.map((s) => `| ${s.seconds.toFixed(0)} | ${s.rssMb.toFixed(1)} | ${s.heapMb.toFixed(1)} | ${s.externalMb.toFixed(1)} | ${s.poolMb.toFixed(1)} | ${s.requests} | ${s.chunks} |`);
const perRequestKb = warm.length > 1 && warm.at(-1).requests > warm[0].requests
  ? 1024 * slopeRss * (warm.at(-1).seconds - warm[0].seconds) / 60 / (warm.at(-1).requests - warm[0].requests) : NaN;
const summary = `${streams} streams, ${values.minutes} min, ${values.full ? 'full-size random' : 'tiny fixture'} model, ${VOICES.length} voice specs, ` +
  `${runtimeInfo().allocator}; ${cpus().length} CPUs${values.gc ? ', garbage collected before each sample' : ''}; ${requests} requests, ${chunks} chunks; ` +
  `slopes after warm-up: RSS ${signed(slopeRss)} MB/min (from ${warm[0].rssMb.toFixed(1)} to ${warm.at(-1).rssMb.toFixed(1)} MB; ` +
  `${signed(perRequestKb)} KB per request), tensor pool ${signed(slopePerMinute('poolMb'))} MB/min, ` +
  `V8 heap used ${signed(slopePerMinute('heapMb'))} MB/min, external ${signed(slopePerMinute('externalMb'))} MB/min`;
writeFileSync(join(outDir, 'soak.md'), [`Soak: ${summary}`, '', '| t (s) | RSS (MB) | V8 heap used (MB) | external (MB) | tensor pool (MB) | requests done | chunks |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows, ''].join('\n'));
writeFileSync(join(outDir, 'soak.dat'), samples.map((s) => `${s.seconds} ${s.rssMb}`).join('\n') + '\n');
const plot = spawnSync('gnuplot', ['-e', [
  "set terminal png size 800,400", `set output '${join(outDir, 'soak.png')}'`,
  "set xlabel 'seconds'", "set ylabel 'RSS (MB)'", `set title 'kokoro-native soak: ${streams} streams'`,
  'set yrange [0:*]', 'set grid', `plot '${join(outDir, 'soak.dat')}' using 1:2 with linespoints title 'RSS'`,
].join('; ')], { encoding: 'utf8' });
console.log(summary);
console.log(plot.status === 0 ? `wrote ${join(outDir, 'soak.md')} and soak.png` : `wrote ${join(outDir, 'soak.md')}; no chart (install gnuplot-nox): ${plot.error?.message ?? plot.stderr}`);
