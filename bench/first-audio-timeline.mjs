#!/usr/bin/env node
// Where the time to first audio of N concurrent streams goes: N streams of a long text start at
// once (first chunk only, full-size random model); prints when each first chunk arrived and
// how the executor's queue evolved meanwhile (queued / running / completed / passes, sampled
// every 25 ms, one line per change), per batch.maxSize, the configurations alternated repeat by
// repeat (ratios are what a shared machine can show).
//
//   node bench/first-audio-timeline.mjs [--streams 8] [--repeats 2] [--batch 1,8] [--layout 1x2]
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ModelManager } from '../dist/index.js';
import { ensureFullModel, sharedDir, makeBenchModelsDir } from '../test/helpers/environment.mjs';
import { benchText } from './texts.mjs';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '8' }, repeats: { type: 'string', default: '2' },
    batch: { type: 'string', default: '1,8' }, layout: { type: 'string', default: '1x2' },
  },
});
const [executors, threads] = values.layout.split('x').map(Number);
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const config = join(sharedDir, 'kokoro-v1_0', 'config.json');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const configs = [];
for (const maxSize of values.batch.split(',').map(Number)) {
  const manager = new ModelManager({ modelsDir: makeBenchModelsDir(config, weights), device: 'cpu', executors, threads, batch: { maxSize, windowMs: 0 } });
  const model = await manager.getModel('v1.0');
  await model.synthesize('Warm up, then go.', { voice: 'af_heart', lang: 'a' });
  configs.push({ maxSize, manager, model });
}
for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
  for (const { maxSize, model } of repeat % 2 ? configs.slice().reverse() : configs) {
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
    const firsts = await Promise.all(Array.from({ length: Number(values.streams) }, async (_, i) => {
      for await (const chunk of model.generate(benchText(2000, i), { voice: 'af_heart', lang: 'a', seed: 100 + i })) {
        void chunk;
        return Math.round(performance.now() - start);
      }
      return NaN;
    }));
    done = true;
    await sampler;
    firsts.sort((a, b) => a - b);
    console.log(`batch.maxSize ${maxSize}, repeat ${repeat}: first chunks at ${firsts.join(', ')} ms; median ${firsts[Math.floor(firsts.length / 2)]} ms`);
    console.log('ms\tqueued\trunning\tcompleted\tpasses');
    let last = '';
    for (const row of timeline) {
      const key = row.slice(1).join(',');
      if (key !== last) console.log(row.join('\t'));
      last = key;
    }
  }
}
await Promise.all(configs.map((c) => c.manager.dispose()));
