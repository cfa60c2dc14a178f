#!/usr/bin/env node
// Where the time to first audio of N concurrent streams goes: N streams of a long text start at
// once (first chunk only, full-size random model); prints when each first chunk arrived and
// how the executor's queue evolved meanwhile (queued / running / completed / passes, sampled
// every 25 ms, one line per change), per executor layout, batch.maxSize and firstAudio.crowd (0: the crowd rule
// off), the configurations alternated repeat by repeat (ratios are what a shared machine can
// show); ends with each configuration's median and last first chunk against the first one's.
//
//   node bench/first-audio-timeline.mjs [--streams 8] [--repeats 2] [--batch 1,8] [--layout 1x2]
//        [--crowd 0,3] [--crowded-tokens 8] [--quiet]     (--layout takes a list too: 1x2,2x1)
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ModelManager } from '../dist/index.js';
import { ensureFullModel, sharedDir, makeBenchModelsDir } from '../test/helpers/environment.mjs';
import { benchText } from './texts.mjs';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '8' }, repeats: { type: 'string', default: '2' },
    batch: { type: 'string', default: '1,8' }, layout: { type: 'string', default: '1x2' },
    crowd: { type: 'string', default: '0' }, 'crowded-tokens': { type: 'string', default: '8' },
    quiet: { type: 'boolean', default: false },
  },
});
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const crowdedTokens = Number(values['crowded-tokens']);
const configs = [];
for (const layout of values.layout.split(',')) {
  const [executors, threads] = layout.split('x').map(Number);
  for (const maxSize of values.batch.split(',').map(Number)) for (const crowd of values.crowd.split(',').map(Number)) {
    const manager = new ModelManager({ modelsDir: makeBenchModelsDir(config, weights), device: 'cpu', executors, threads,
      batch: { maxSize, windowMs: 0 }, firstAudio: { crowd, crowdedTokens } });
    const model = await manager.getModel('v1.0');
    await model.synthesize('Warm up, then go.', { voice: 'af_heart', lang: 'a' });
    configs.push({ name: `${layout}, batch.maxSize ${maxSize}, crowd ${crowd || 'off'}`, manager, model, medians: [], lasts: [], shortened: 0, tokens: [] });
  }
}
for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
  for (const entry of repeat % 2 ? configs.slice().reverse() : configs) {
    const { name, model } = entry;
    while (model.stats().queued + model.stats().running > 0) await sleep(20);
    const start = performance.now();
    const before = model.stats();
    const timeline = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const s = model.stats();
        timeline.push([Math.round(performance.now() - start), s.queued, s.running, s.completed - before.completed, s.batches - before.batches]);
        await sleep(25);
      }
    })();
    const tokens = [];
    const firsts = await Promise.all(Array.from({ length: Number(values.streams) }, async (_, i) => {
      for await (const chunk of model.generate(benchText(2000, i), { voice: 'af_heart', lang: 'a', seed: 100 + i })) {
        tokens.push(chunk.durations.length - 2);
        return Math.round(performance.now() - start);
      }
      return NaN;
    }));
    entry.tokens.push(...tokens);
    done = true;
    await sampler;
    firsts.sort((a, b) => a - b);
    const median = firsts[Math.floor(firsts.length / 2)];
    entry.medians.push(median);
    entry.lasts.push(firsts.at(-1));
    entry.shortened += model.stats().firstAudio.shortened - before.firstAudio.shortened;
    console.log(`${name}, repeat ${repeat}: first chunks at ${firsts.join(', ')} ms; median ${median} ms; load ${loadavg()[0].toFixed(1)}`);
    if (values.quiet) continue;
    console.log('ms\tqueued\trunning\tcompleted\tpasses');
    let last = '';
    for (const row of timeline) {
      const key = row.slice(1).join(',');
      if (key !== last) console.log(row.join('\t'));
      last = key;
    }
  }
}
// Each repeat's ratio to the first configuration (same repeat = similar load), then their median.
const mid = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [reference] = configs;
console.log(`\n${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${values.streams} streams; layout ${values.layout}; ` +
  `crowdedTokens ${crowdedTokens}; load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| configuration | median first audio (median of repeats) | last first audio | median vs first row (per repeat, median) | last vs first row | first chunks shortened | tokens per first chunk (mean) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const c of configs) {
  const ratio = (key) => mid(c[key].map((x, i) => x / reference[key][i])).toFixed(2);
  console.log(`| ${c.name} | ${(mid(c.medians) / 1000).toFixed(2)} s | ${(mid(c.lasts) / 1000).toFixed(2)} s | ${ratio('medians')} | ${ratio('lasts')} | ${c.shortened} | ${(c.tokens.reduce((a, b) => a + b, 0) / c.tokens.length).toFixed(1)} |`);
}
await Promise.all(configs.map((c) => c.manager.dispose()));
