#!/usr/bin/env node
// What one forward pass costs as a function of its length: the fixed cost of a pass (what a
// short chunk pays for nothing) against the per-token cost, for each executor layout. For every
// token count, one request alone on an idle model (full-size random model, real v1.0 config):
// wall time, its predict and decode stages (model.stats()), the audio it made, and so the audio
// seconds per wall second a stream of such chunks can reach; and, from process.resourceUsage()
// around the pass (nothing else runs), the page faults it took and its system CPU time: what
// the allocator costs (memory the kernel maps and zeroes afresh). Layouts (intra-op threads) and
// lengths are alternated round by round, so that a busy machine hurts each alike; the figures
// to trust on a shared machine are the ratios between rows of one run.
//
//   node bench/pass-cost.mjs [--tokens 8,12,16,32,64,128,256] [--threads 2,1,a] [--rounds 3]
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { KModel } from '../dist/index.js';
import { ensureFullModel, sharedDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '8,12,16,32,64,128,256' },
    threads: { type: 'string', default: '2,1' },
    rounds: { type: 'string', default: '3' },
  },
});
const tokenCounts = values.tokens.split(',').map(Number);
// `a`: adaptive threads (one executor per CPU; a pass alone takes every core).
const threadCounts = values.threads.split(',').map((t) => (t === 'a' ? 'adaptive' : Number(t)));
const rounds = Number(values.rounds);
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');
const voice = join(sharedDir, 'kokoro-v1_0', 'voices', 'af_heart.pt');
const SENTENCE = 'ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˌOvəɹ ðə lˈAzi dˈɔɡ ænd ɹˈʌnz əwˈA ɪntu ðə fˈɔɹɪst. ';
const phonemesOf = (tokens) => [...SENTENCE.repeat(Math.ceil(tokens / 40) + 1)].slice(0, tokens).join('').trimEnd();

const models = {};
for (const threads of threadCounts) {
  models[threads] = await KModel.load({ config, weights, device: 'cpu', threads, ...(threads === 'adaptive' ? {} : { executors: 1 }) });
  await models[threads].infer(phonemesOf(16), voice, { seed: 0 });
}

const samples = new Map(); // `${threads}/${tokens}` -> [{ wall, predict, decode, audio }]
for (let round = 0; round < rounds; round++) {
  const lengths = round % 2 ? tokenCounts.slice().reverse() : tokenCounts;
  for (const tokens of lengths) {
    for (const threads of round % 2 ? threadCounts.slice().reverse() : threadCounts) {
      const model = models[threads];
      const before = model.stats();
      const usage = process.resourceUsage();
      const start = performance.now();
      const result = await model.infer(phonemesOf(tokens), voice, { seed: round });
      const wall = (performance.now() - start) / 1000;
      const usageAfter = process.resourceUsage();
      const after = model.stats();
      const key = `${threads}/${tokens}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push({
        wall, predict: after.stageSeconds.predict - before.stageSeconds.predict,
        decode: after.stageSeconds.decode - before.stageSeconds.decode, audio: result.audio.length / 24000,
        faults: usageAfter.minorPageFault - usage.minorPageFault, system: (usageAfter.systemCPUTime - usage.systemCPUTime) / 1e6,
      });
    }
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const tokens of tokenCounts) {
  for (const threads of threadCounts) {
    const s = samples.get(`${threads}/${tokens}`);
    const wall = median(s.map((x) => x.wall));
    rows.push({
      tokens, threads, wallSeconds: Number(wall.toFixed(3)),
      predictSeconds: Number(median(s.map((x) => x.predict)).toFixed(3)), decodeSeconds: Number(median(s.map((x) => x.decode)).toFixed(3)),
      audioSeconds: Number(s[0].audio.toFixed(2)), audioSecondsPerWallSecond: Number((s[0].audio / wall).toFixed(2)),
      pageFaults: median(s.map((x) => x.faults)), systemSeconds: Number(median(s.map((x) => x.system)).toFixed(3)),
    });
  }
}
// A least-squares line wall = fixed + perToken × tokens per layout: the fixed cost of a pass.
const fits = threadCounts.map((threads) => {
  const pts = rows.filter((r) => r.threads === threads).map((r) => [r.tokens, r.wallSeconds]);
  const n = pts.length;
  const mx = pts.reduce((a, [x]) => a + x, 0) / n;
  const my = pts.reduce((a, [, y]) => a + y, 0) / n;
  const slope = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return { threads, fixedSeconds: Number((my - slope * mx).toFixed(3)), secondsPerToken: Number(slope.toFixed(4)) };
});
console.log(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cpus()[0]?.model ?? 'CPU'} x${cpus().length}; ` +
  `load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${rounds} rounds, medians\n`);
console.log('| tokens | threads | wall s | predict s | decode s | audio s | audio s per wall s | page faults | system CPU s |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.tokens} | ${r.threads} | ${r.wallSeconds} | ${r.predictSeconds} | ${r.decodeSeconds} | ${r.audioSeconds} | ${r.audioSecondsPerWallSecond} | ${r.pageFaults} | ${r.systemSeconds} |`);
}
console.log(`\nwall = fixed + perToken × tokens: ${fits.map((f) => `${f.threads} thread(s): ${f.fixedSeconds} s + ${f.secondsPerToken} s/token`).join('; ')}`);
console.log(`\n${JSON.stringify({ rows, fits })}`);
for (const model of Object.values(models)) await model.dispose();
