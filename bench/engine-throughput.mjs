#!/usr/bin/env node
// The executor under concurrent streams, on the full-size random model (real v1.0 config.json,
// see bench/model-speed.mjs):
//  - throughput: aggregate audio seconds per wall second with N concurrent streams of
//    `--chars`-character texts, per executor layout (executors × intra-op threads);
//  - time to first audio of a `--first-chars`-character text, N streams started at once (first
//    chunk only), with each fast-first-chunk budget (GenerateOptions.firstChunkTokens) and with
//    it off (0), the reference.
// Layouts are loaded side by side and alternated stream count by stream count (budgets request
// by request), so that a busy machine hurts every configuration alike; ratios against the
// reference of the same run are the figures to trust on a shared machine. Prints JSON lines as
// it goes (stderr), then Markdown tables for BENCHMARKS.md and a JSON summary (stdout).
//
//   node bench/engine-throughput.mjs [--streams 1,8,32] [--chars 300] [--first-chars 2000]
//        [--layouts 1x2,2x1,2xa,1x2b8] [--first-chunk-tokens 16] [--first-repeats 5] [--batch 1]
//        [--window-ms 0] [--throughput-streams 1,8,32] [--no-throughput]
//        [--throughput-first-chunk-tokens 16,0] [--no-first-audio]
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ModelManager, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, sharedDir, makeBenchModelsDir } from '../test/helpers/environment.mjs';
import { benchText } from './texts.mjs';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1,8,32' }, chars: { type: 'string', default: '300' },
    'first-chars': { type: 'string', default: '2000' }, layouts: { type: 'string' },
    'first-chunk-tokens': { type: 'string', default: '16' }, 'first-repeats': { type: 'string', default: '5' },
    batch: { type: 'string', default: '1' }, 'window-ms': { type: 'string', default: '0' },
    'throughput-streams': { type: 'string' }, 'no-throughput': { type: 'boolean', default: false },
    'throughput-first-chunk-tokens': { type: 'string', default: '16' },
    'no-first-audio': { type: 'boolean', default: false },
  },
});
const list = (s) => s.split(',').filter(Boolean);
const streamCounts = list(values.streams).map(Number);
const throughputCounts = new Set(values['no-throughput'] ? [] : list(values['throughput-streams'] ?? values.streams).map(Number));
const budgets = list(values['first-chunk-tokens']).map(Number);
// Throughput per fast-first-chunk budget too: small opening chunks mean more, smaller passes.
const throughputBudgets = list(values['throughput-first-chunk-tokens']).map(Number);
const firstRepeats = Number(values['first-repeats']);
// A layout is executors x threads (`a`: adaptive threads sharing every CPU), optionally with its
// own batch.maxSize and firstAudio.crowd (0: the crowd rule off): `1x2b8`, `1x2c0`, `2xa`.
const layouts = list(values.layouts ?? `1x${Math.min(8, cpus().length)}`).map((l) => {
  const match = /^(\d+)x(\d+|a)(?:b(\d+))?(?:c(\d+))?$/.exec(l);
  if (!match) throw new Error(`layout ${l}: expected EXECUTORSxTHREADS[bMAXSIZE][cCROWD], THREADS a number or a`);
  const [executors, threads, maxSize, crowd] = match.slice(1).map((x) => (x === undefined ? undefined : x === 'a' ? 'adaptive' : Number(x)));
  return { name: l, executors, threads, maxSize, crowd };
});

const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');

const modelsDir = () => makeBenchModelsDir(config, weights);

const batch = { maxSize: Number(values.batch), windowMs: Number(values['window-ms']) };
const managers = {};
const models = {};
for (const layout of layouts) {
  managers[layout.name] = new ModelManager({ modelsDir: modelsDir(), device: 'cpu', executors: layout.executors, threads: layout.threads,
    batch: { ...batch, maxSize: layout.maxSize || batch.maxSize }, firstAudio: { crowd: layout.crowd } });
  models[layout.name] = await managers[layout.name].getModel('v1.0');
  await models[layout.name].synthesize('Warm up, then go.', { voice: 'af_heart', lang: 'a' });
}

// A stream left after its first chunk still has its next chunks in the executor (cancellation
// drops them only at a stage boundary): wait until they are gone, so that every sample starts
// on an idle model rather than behind the previous sample's leftovers.
async function untilIdle(model) {
  for (;;) {
    const { queued, running } = model.stats();
    if (queued === 0 && running === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stream(model, input, seed, firstOnly, firstChunkTokens) {
  const start = performance.now();
  let first = 0;
  let samples = 0;
  const tokens = [];
  for await (const chunk of model.generate(input, { voice: 'af_heart', lang: 'a', seed, firstChunkTokens })) {
    if (!first) first = performance.now() - start;
    samples += chunk.audio.length;
    tokens.push(chunk.durations.length - 2);
    if (firstOnly) break;
  }
  return { firstChunkMs: first, audioSeconds: samples / 24000, tokens };
}

const quantile = (xs, q) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const median = (xs) => quantile(xs, 0.5);
const log = (row) => console.error(JSON.stringify({ ...row, load1: Number(loadavg()[0].toFixed(1)) }));
const throughput = [];
const firstAudio = [];
for (const [round, n] of streamCounts.entries()) {
  const order = round % 2 ? layouts.slice().reverse() : layouts;
  for (const layout of order) {
    const model = models[layout.name];
    for (const tokens of throughputCounts.has(n) ? (round % 2 ? throughputBudgets.slice().reverse() : throughputBudgets) : []) {
      await untilIdle(model);
      const before = model.stats();
      const start = performance.now();
      const runs = await Promise.all(Array.from({ length: n }, (_, i) => stream(model, benchText(Number(values.chars), i), i, false, tokens)));
      const wall = (performance.now() - start) / 1000;
      const after = model.stats();
      const audio = runs.reduce((a, r) => a + r.audioSeconds, 0);
      const chunkTokens = runs.flatMap((r) => r.tokens);
      const predict = after.stageSeconds.predict - before.stageSeconds.predict;
      const decode = after.stageSeconds.decode - before.stageSeconds.decode;
      throughput.push({
        streams: n, layout: layout.name, firstChunkTokens: tokens, wallSeconds: Number(wall.toFixed(1)), audioSeconds: Number(audio.toFixed(1)),
        audioSecondsPerWallSecond: Number((audio / wall).toFixed(2)),
        meanRequestsPerPass: Number(((after.completed - before.completed) / Math.max(1, after.batches - before.batches)).toFixed(2)),
        firstAudioMsMedianInRun: Math.round(median(runs.map((r) => r.firstChunkMs))),
        // Where the wall time went: the executors' predict and decode (summed over executors),
        // the share of executor time that was busy, and the chunks' sizes.
        predictSeconds: Number(predict.toFixed(1)), decodeSeconds: Number(decode.toFixed(1)),
        executorBusy: Number(((predict + decode) / (wall * layout.executors)).toFixed(2)),
        chunks: chunkTokens.length, meanTokensPerChunk: Number((chunkTokens.reduce((a, b) => a + b, 0) / chunkTokens.length).toFixed(1)),
        chunksUnder32Tokens: chunkTokens.filter((t) => t < 32).length,
        loadAverage: Number(loadavg()[0].toFixed(1)),
      });
      log(throughput.at(-1));
    }
    // Time to first audio of a long text: n streams at once, first chunk only, each budget and
    // the reference (0 = off) alternated repeat by repeat.
    const samples = new Map([0, ...budgets].map((b) => [b, []]));
    const repeats = values['no-first-audio'] ? 0 : n === 1 ? firstRepeats : Math.max(1, Math.round(firstRepeats / 2));
    for (let r = 0; r < repeats; r++) {
      const turn = r % 2 ? [...samples.keys()].reverse() : [...samples.keys()];
      for (const tokens of turn) {
        await untilIdle(model);
        const runs = await Promise.all(Array.from({ length: n }, (_, i) =>
          stream(model, benchText(Number(values['first-chars']), i), 100 + i, true, tokens)));
        samples.get(tokens).push(...runs.map((x) => x.firstChunkMs));
      }
    }
    const reference = median(samples.get(0));
    for (const [tokens, ms] of repeats ? samples : []) {
      firstAudio.push({
        streams: n, layout: layout.name, firstChunkTokens: tokens, samples: ms.length,
        medianMs: Math.round(median(ms)), p90Ms: Math.round(quantile(ms, 0.9)), ratioToOff: Number((median(ms) / reference).toFixed(2)),
        loadAverage: Number(loadavg()[0].toFixed(1)),
      });
      log(firstAudio.at(-1));
    }
  }
}
const info = runtimeInfo();
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
console.log(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${machine}; torch ${info.torchVersion};` +
  ` batch.maxSize ${batch.maxSize} (a layout's bN: N); texts of ${values.chars} characters (throughput), ${values['first-chars']} (first audio)\n`);
if (throughput.length) {
  console.log(table(['streams', 'executors × threads', 'firstChunkTokens', 'audio s per wall s', 'first audio in run (median)', 'requests per pass',
    'predict / decode s', 'executors busy', 'chunks (< 32 tokens)', 'tokens per chunk', 'load average'],
  throughput.map((r) => [r.streams, r.layout, r.firstChunkTokens || 'off (0)', r.audioSecondsPerWallSecond, `${(r.firstAudioMsMedianInRun / 1000).toFixed(2)} s`,
    r.meanRequestsPerPass, `${r.predictSeconds} / ${r.decodeSeconds}`, r.executorBusy, `${r.chunks} (${r.chunksUnder32Tokens})`, r.meanTokensPerChunk, r.loadAverage])));
  console.log();
}
if (firstAudio.length) console.log(table(['streams', 'executors × threads', 'firstChunkTokens', 'first audio (median)', 'p90', 'vs off', 'samples', 'load average'],
  firstAudio.map((r) => [r.streams, r.layout, r.firstChunkTokens || 'off (0)', `${(r.medianMs / 1000).toFixed(2)} s`, `${(r.p90Ms / 1000).toFixed(2)} s`,
    r.ratioToOff, r.samples, r.loadAverage])));
console.log(`\n${JSON.stringify({ throughput, firstAudio, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}`);
await Promise.all(Object.values(managers).map((m) => m.dispose()));
