import { describe, expect, it } from 'vitest';

import { hasShared, realVoicesDir, tinyConfig, tinyWeights } from '../helpers/fixtures.js';
// @ts-expect-error plain JS runner shared with the sanitizer run
import { runCorpus } from './runCases.mjs';

interface Tally { generated: number; cases: number; audio: number; errors: Record<string, number>; crashes: string[]; hangs: string[]; bad: string[]; internal: string[] }

// The fast subset (every 8th case, ~48 cases, about 15 s) of the generated corpus: each case in a
// child process that must end it with a KokoroError of a known code or finite audio and then
// still serve a normal request. `node test/fuzz/runCases.mjs --full` (and the sanitizer run)
// take all of it.
describe.skipIf(!hasShared)('fuzz corpus against the public API', () => {
  it('every case ends in a typed error or finite audio, never a crash or hang, and the model keeps serving', async () => {
    const tally = await runCorpus({ every: 8, tinyConfig, tinyWeights, voicesDir: realVoicesDir }) as Tally;
    console.log(`fuzz (fast subset): ${JSON.stringify(tally)}`);
    expect(tally.generated).toBeGreaterThanOrEqual(300);
    expect(tally.crashes).toEqual([]);
    expect(tally.hangs).toEqual([]);
    expect(tally.bad).toEqual([]);
    expect(tally.internal).toEqual([]);
    expect(tally.audio + Object.values(tally.errors).reduce((a, b) => a + b, 0)).toBe(tally.cases);
  }, 300_000);
});
