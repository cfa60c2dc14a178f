import { afterEach, describe, expect, it } from 'vitest';

import { ErrorCode, KModel, ModelManager, type GenerateResult, type KokoroModel, type ModelManagerOptions } from '../../lib/index.js';
import { fixtureCases, hasShared, tinyConfig, tinyWeights } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

// The rule for a crowd of streams waiting for first audio (EngineOptions.firstAudio,
// native/core/FirstAudioPolicy.h): from `crowd` waiting streams on, first chunks are cut to
// `crowdedTokens`; later chunks keep the stream's own budgets; first chunks run before later ones.
const STORY = 'The morning train left the station a little after seven, carrying commuters into the city. ' +
  'Most of them read the news on their phones, while a few stared out at the passing fields.';

const tokensOf = (chunk: GenerateResult) => chunk.durations.length - 2;
const words = (chunk: GenerateResult) => chunk.graphemes.split(/\s+/).length;

const managers: ModelManager[] = [];
async function tinyModel(options: Partial<ModelManagerOptions>): Promise<KokoroModel> {
  const manager = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', executors: 1, threads: 1, batch: { maxSize: 1 }, ...options });
  managers.push(manager);
  return manager.getModel('v1.0');
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.dispose()));
});

async function chunksOf(model: KokoroModel, text: string, firstChunkTokens?: number, count = Infinity): Promise<GenerateResult[]> {
  const chunks: GenerateResult[] = [];
  for await (const chunk of model.generate(text, { voice: 'af_heart', lang: 'a', seed: 5, firstChunkTokens })) {
    chunks.push(chunk);
    if (chunks.length === count) break;
  }
  return chunks;
}

describe.skipIf(!hasShared)('first audio for a crowd of streams', () => {
  it('cuts a crowded stream\'s first chunk to crowdedTokens and keeps the later budgets', async () => {
    // crowd 1: every stream is a crowd of its own.
    const model = await tinyModel({ firstAudio: { crowd: 1, crowdedTokens: 8 } });
    const chunks = await chunksOf(model, STORY, 16, 2);
    expect(words(chunks[0]!)).toBeGreaterThan(0);
    if (words(chunks[0]!) > 1) expect(tokensOf(chunks[0]!)).toBeLessThanOrEqual(8);
    // The second chunk keeps its own budget (16 × 2), not one doubled from the cut first chunk.
    expect(tokensOf(chunks[1]!)).toBeGreaterThan(16);
    expect(tokensOf(chunks[1]!)).toBeLessThanOrEqual(32);
    const stats = model.stats();
    expect(stats.firstAudio.shortened).toBe(1);
    expect(stats.firstAudio.waiting).toBe(0);
  });

  it('leaves a stream\'s first chunk alone below the crowd, and a stream that asked for whole sentences', async () => {
    const model = await tinyModel({ firstAudio: { crowd: 2, crowdedTokens: 8 } });
    const alone = await chunksOf(model, STORY, 16, 1);
    expect(tokensOf(alone[0]!)).toBeGreaterThan(8);
    expect(tokensOf(alone[0]!)).toBeLessThanOrEqual(16);

    const crowded = await tinyModel({ firstAudio: { crowd: 1, crowdedTokens: 8 } });
    const whole = await chunksOf(crowded, STORY, 0, 1);
    expect(whole[0]!.graphemes).toBe(STORY.split(/(?<=\.) /)[0]);
    expect(model.stats().firstAudio.shortened).toBe(0);
    expect(crowded.stats().firstAudio.shortened).toBe(0);
  });

  it('is off with crowd 0', async () => {
    const model = await tinyModel({ firstAudio: { crowd: 0 } });
    const chunks = await chunksOf(model, STORY, 16, 1);
    expect(tokensOf(chunks[0]!)).toBeGreaterThan(8);
    expect(model.stats().firstAudio.shortened).toBe(0);
  });

  it('with 8 streams queued: short first chunks, all served before any later chunk', async () => {
    const model = await tinyModel({ firstAudio: { crowd: 3, crowdedTokens: 8 } });
    // Keep the executor busy so that all eight first chunks are queued before any runs.
    const longest = fixtureCases().reduce((a, b) => (b.phonemes.length > a.phonemes.length ? b : a));
    const busy = Array.from({ length: 2 }, (_, i) => model.infer(longest.phonemes, 'af_heart', { seed: i }));
    const served: Array<[number, number]> = [];
    let mostWaiting = 0;
    const streams = Array.from({ length: 8 }, async (_, s) => {
      for await (const chunk of model.generate(STORY, { voice: 'af_heart', lang: 'a', seed: s })) {
        served.push([s, chunk.index]);
        if (chunk.index === 1) break;
      }
    });
    let finished = false;
    const done = Promise.all([...busy, ...streams]).finally(() => { finished = true; });
    while (!finished) {
      mostWaiting = Math.max(mostWaiting, model.stats().firstAudio.waiting);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    expect(mostWaiting).toBe(8);
    const firsts = served.filter(([, index]) => index === 0);
    expect(served.slice(0, 8)).toEqual(firsts);
    // Streams 3..8 found at least three streams waiting; the first two may have been cut too.
    expect(model.stats().firstAudio.shortened).toBeGreaterThanOrEqual(6);
    expect(model.stats().firstAudio.waiting).toBe(0);
  });

  it('validates its options', async () => {
    const load = (firstAudio: object) => KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', firstAudio });
    await expect(load({ crowd: -1 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(load({ crowdedTokens: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(load({ crowdedTokens: 511 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});
