import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { describe, expect, it } from 'vitest';

import { ErrorCode, KokoroError } from '../../lib/index.js';
import { loadBinding } from '../../lib/native/loadBinding.js';
import { hasShared } from '../helpers/fixtures.js';
import { tinyModelForSuite } from '../helpers/tinyModel.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PHONEMES = 'ðɪs ɪz ɐ tˈɛst.';

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string, inMessage?: string) {
  const error = await (typeof promise === 'function' ? Promise.resolve().then(promise) : promise).then(
    () => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as KokoroError).code).toBe(code);
  if (inMessage) expect((error as Error).message).toContain(inMessage);
}

describe.skipIf(!hasShared)('voice handles: a voice pack is copied and checked once, then shared by reference', () => {
  const model = tinyModelForSuite();
  const binding = loadBinding();

  it('gives a cached pack whose data handed back in is the same pack, with the same audio as by name', async () => {
    const pack = await model().getVoice('af_heart');
    expect(pack.rows).toBe(510);
    expect(await model().getVoice(pack.data)).toBe(pack);
    const byName = await model().infer(PHONEMES, 'af_heart', { seed: 3 });
    const byData = await model().infer(PHONEMES, pack.data, { seed: 3 });
    expect(byData.audio).toEqual(byName.audio);
  });

  it('copies floats given by the caller: changing them after the request started changes nothing', async () => {
    const floats = Float32Array.from((await model().getVoice('am_adam')).data);
    const reference = await model().infer(PHONEMES, floats, { seed: 5 });
    const pending = model().infer(PHONEMES, floats, { seed: 5 });
    floats.fill(0);
    expect((await pending).audio).toEqual(reference.audio);
  });

  it('finishes requests whose handle is disposed and collected while they run; the disposed handle is refused', async () => {
    const floats = Float32Array.from((await model().getVoice('bf_emma')).data);
    const native = model().kmodel.nativeHandle();
    const reference = await native.infer(PHONEMES, floats, 1, 7, false);
    let handle: ReturnType<typeof binding.createVoice> | undefined = binding.createVoice(floats, 'bf_emma copy');
    const pending = [native.infer(PHONEMES, handle, 1, 7, false), native.infer(PHONEMES, handle, 1, 7, false)];
    const disposed = handle;
    handle.dispose();
    handle.dispose();   // twice is fine
    handle = undefined;
    collectGarbage();
    for (const result of await Promise.all(pending)) expect(result.audio).toEqual(reference.audio);
    await expectCode(() => native.infer(PHONEMES, disposed, 1, 7, false), ErrorCode.Disposed, 'voice');
    expect(() => disposed.rows()).toThrow(/disposed/);
  }, 60_000);

  it('keeps a stream\'s voice alive when every JS reference to it is gone mid-stream', async () => {
    const text = 'One sentence here. Another one there.';
    const floats = Float32Array.from((await model().getVoice('af_heart')).data);
    const expected = (await model().synthesize(text, { voice: floats, lang: 'a', seed: 9 }));
    const parts: Float32Array[] = [];
    // A fresh copy each time: its pack and handle are referenced by nothing but the stream.
    for await (const chunk of model().generate(text, { voice: Float32Array.from(floats), lang: 'a', seed: 9 })) {
      collectGarbage();
      parts.push(chunk.audio);
    }
    const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => { joined.set(p, offset); return offset + p.length; }, 0);
    expect(parts.length).toBeGreaterThan(1);
    expect(joined).toEqual(expected);
  }, 60_000);

  it('keeps a pack\'s data readable after its handle is disposed (the view holds the memory)', () => {
    const handle = binding.createVoice(new Float32Array(512).fill(0.25), 'test');
    const view = handle.view();
    handle.dispose();
    collectGarbage();
    expect(view.length).toBe(512);
    expect(view.every((v) => v === 0.25)).toBe(true);
  });

  it('rejects invalid packs when they are made, with the same codes as before, naming the voice', async () => {
    expect(() => binding.createVoice(new Float32Array(100), 'x')).toThrow(/256/);
    await expectCode(() => binding.createVoice(new Float32Array(100), 'x'), ErrorCode.BadVoice);
    await expectCode(() => binding.createVoice(new Float64Array(256) as unknown as Float32Array, 'x'), ErrorCode.BadVoice, 'Float32Array');
    await expectCode(() => binding.createVoice(new Float32Array(256).fill(Number.NaN), 'my mix'), ErrorCode.BadVoice, 'my mix');
    await expectCode(model().getVoice(new Float32Array(0)), ErrorCode.BadVoice, '256');
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-voice-'));
    const nanFile = join(dir, 'nan.bin');
    writeFileSync(nanFile, Buffer.from(new Float32Array(512).fill(Number.POSITIVE_INFINITY).buffer));
    await expectCode(model().getVoice(nanFile), ErrorCode.BadVoice, nanFile);
    // A failed load is not cached: fixing the file makes the same path load.
    writeFileSync(nanFile, Buffer.from(new Float32Array(512).fill(0.1).buffer));
    expect((await model().getVoice(nanFile)).rows).toBe(2);
  });

  it('makes a mix once and reuses it', async () => {
    const first = await model().getVoice('af_bella(2)+af_sky(1)');
    expect(await model().getVoice('af_bella(2)+af_sky(1)')).toBe(first);
    expect(first.source).toBe('af_bella(2)+af_sky(1)');
  });
});
