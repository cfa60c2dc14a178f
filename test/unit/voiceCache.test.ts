import { describe, expect, it } from 'vitest';

import { VoiceCache } from '../../lib/voiceCache.js';
import { VoiceLibrary } from '../../lib/voiceLibrary.js';
import type { VoicePack } from '../../lib/voices.js';
import { hasShared, realVoicesDir } from '../helpers/fixtures.js';

const pack = (rows: number): VoicePack => ({ data: new Float32Array(rows * 256), rows, source: 'test' });

describe('VoiceCache: one LRU bounded by bytes', () => {
  it('evicts the least recently used packs once their bytes pass the budget', async () => {
    const cache = new VoiceCache(3 * 1024);   // three one-row packs (1 KiB each) fit
    let loads = 0;
    const get = (key: string) => cache.get(key, async () => { loads += 1; return pack(1); });
    await get('a'); await get('b'); await get('c');
    await get('a');                                 // a is now the most recent
    await get('d');                                 // evicts b
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(loads).toBe(4);
    await get('b');
    expect(loads).toBe(5);
  });

  it('shares one in-flight load and forgets failed ones', async () => {
    const cache = new VoiceCache(1 << 20);
    let loads = 0;
    const slow = () => cache.get('x', async () => { loads += 1; await new Promise((r) => setTimeout(r, 10)); return pack(2); });
    await Promise.all([slow(), slow()]);
    expect(loads).toBe(1);
    await expect(cache.get('bad', async () => { throw new Error('nope'); })).rejects.toThrow('nope');
    expect(cache.has('bad')).toBe(false);
  });

  it.skipIf(!hasShared)('stays within its budget however many distinct mixes are asked for', async () => {
    const cache = new VoiceCache(4 * 1024 * 1024);
    const library = new VoiceLibrary(realVoicesDir, cache);
    for (let k = 1; k <= 30; k++) await library.get(`af_heart(1)+af_bella(${k})`);
    expect(cache.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(cache.bytes).toBeGreaterThan(0);
  });
});
