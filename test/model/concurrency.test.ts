import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KModel } from '../../lib/index.js';
import { fixtureCases, hasShared, tinyConfig, tinyVoice, tinyWeights } from '../helpers/fixtures.js';

describe.skipIf(!hasShared)('concurrent inference', () => {
  let model: KModel;
  beforeAll(async () => {
    // One request per pass: concurrent results must then equal sequential ones bit for bit
    // (batched passes are compared in test/engine).
    model = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1, batch: { maxSize: 1 } });
  });
  afterAll(() => model?.dispose());

  it('runs many calls at once, each equal to its sequential result', async () => {
    const cases = fixtureCases().slice(0, 8);
    const sequential = [];
    for (const c of cases) sequential.push(await model.infer(c.phonemes, tinyVoice, { seed: c.seed, speed: c.speed }));
    const concurrent = await Promise.all(
      [...cases, ...cases].map((c) => model.infer(c.phonemes, tinyVoice, { seed: c.seed, speed: c.speed })));
    concurrent.forEach((result, i) => {
      const expected = sequential[i % cases.length]!;
      expect(Buffer.from(result.audio.buffer).equals(Buffer.from(expected.audio.buffer))).toBe(true);
      expect(Array.from(result.durations)).toEqual(Array.from(expected.durations));
    });
  });

  it('keeps the event loop turning during inference', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks += 1; }, 5);
    const c = fixtureCases().find((x) => x.name === 't05_len209')!;
    const started = Date.now();
    await model.infer(c.phonemes, tinyVoice, { seed: 1 });
    const elapsed = Date.now() - started;
    clearInterval(timer);
    // The timer fires while native work runs: the main thread is never blocked for long.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 50));
  });
});
