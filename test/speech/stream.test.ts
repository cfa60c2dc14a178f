import { describe, expect, it } from 'vitest';

import { ErrorCode, KokoroError, ModelManager } from '../../lib/index.js';
import { loadBinding } from '../../lib/native/loadBinding.js';
import { iterateNativeStream } from '../../lib/speechStream.js';
import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';
import { tinyModelForSuite } from '../helpers/tinyModel.js';

const TEXT = 'Hello world! This is a test of streaming.\nA new line starts here; it keeps going, for a while. The end.';

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe.skipIf(!hasShared)('streaming speech', () => {
  // One request per pass, so that concurrent streams equal sequential ones bit for bit
  // (batched passes are compared in test/engine).
  const model = tinyModelForSuite({ batch: { maxSize: 1 } });

  it('forward() yields 24 kHz Float32Array chunks, one per sentence and line', async () => {
    const chunks: Float32Array[] = [];
    for await (const audio of model().forward(TEXT, 'af_bella', 'en-us', { seed: 1 })) chunks.push(audio);
    expect(chunks.length).toBe(4);
    for (const chunk of chunks) {
      expect(chunk).toBeInstanceOf(Float32Array);
      expect(chunk.length % 600).toBe(0);
    }
  });

  it('generate() gives graphemes, phonemes, audio and timestamps that fit the audio', async () => {
    const results = [];
    for await (const r of model().generate(TEXT, { voice: 'af_heart', lang: 'a', seed: 3 })) results.push(r);
    expect(results.map((r) => r.graphemes)).toEqual([
      'Hello world!', 'This is a test of streaming.', 'A new line starts here; it keeps going, for a while.', 'The end.']);
    const first = results[0]!;
    expect(first.phonemes).toBe('həlˈO wˈɜɹld!');
    expect(first.words.map((w) => w.text)).toEqual(['Hello', 'world!']);
    expect(first.words[0]!.start).toBeGreaterThan(0);
    for (const r of results) {
      const lastEnd = r.tokens[r.tokens.length - 1]!.end;
      const padAfter = r.durations[r.durations.length - 1]!;
      expect(Math.round((lastEnd + padAfter / 40) * 24000)).toBe(r.audio.length);
      for (let i = 1; i < r.words.length; i++) expect(r.words[i]!.start).toBeGreaterThanOrEqual(r.words[i - 1]!.end);
    }
  });

  it('is reproducible with a seed and equals synthesize()', async () => {
    const a = await model().synthesize(TEXT, { voice: 'af_heart', lang: 'a', seed: 9 });
    const b = await model().synthesize(TEXT, { voice: 'af_heart', lang: 'a', seed: 9 });
    expect(bytes(a).equals(bytes(b))).toBe(true);
  });

  it('serves 16 concurrent streams with correct, unmixed output', async () => {
    const texts = Array.from({ length: 16 }, (_, i) => `Caller number ${i} speaks. It has ${i % 3 + 1} sentences here.`);
    const voices = ['af_heart', 'am_adam', 'bf_emma', 'af_bella'];
    const run = (i: number) => model().synthesize(texts[i]!, { voice: voices[i % 4]!, lang: 'a', seed: 100 + i });
    const expected = [];
    for (let i = 0; i < 16; i++) expected.push(await run(i));
    const concurrent = await Promise.all(texts.map((_, i) => run(i)));
    concurrent.forEach((audio, i) => expect(bytes(audio).equals(bytes(expected[i]!))).toBe(true));
  });

  it('stops the native worker when the consumer breaks out', async () => {
    const text = Array.from({ length: 30 }, (_, i) => `Sentence ${i}.`).join(' ');
    const stream = model().generate(text, { voice: 'af_heart', lang: 'a' });
    for await (const chunk of stream) {
      expect(chunk.index).toBe(0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // One consumed, plus at most the lookahead of two; nothing after the break.
    expect(stream.produced).toBeLessThanOrEqual(3);
  });

  it('keeps native work a few chunks ahead of a slow consumer', async () => {
    const text = Array.from({ length: 12 }, (_, i) => `Part ${i}.`).join(' ');
    const stream = model().generate(text, { voice: 'af_heart', lang: 'a' });
    let consumed = 0;
    for await (const _ of stream) {
      consumed += 1;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(stream.produced).toBeLessThanOrEqual(consumed + 2);
    }
    expect(consumed).toBe(12);
  });

  it('stops on an AbortSignal with a typed error', async () => {
    const controller = new AbortController();
    const text = Array.from({ length: 20 }, (_, i) => `Line ${i}.`).join('\n');
    const seen: number[] = [];
    const run = (async () => {
      for await (const chunk of model().generate(text, { voice: 'af_heart', lang: 'a', signal: controller.signal })) {
        seen.push(chunk.index);
        if (chunk.index === 1) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Aborted });
    expect(seen).toEqual([0, 1]);
  });

  it('delivers the chunks before a failing one, then rejects', async () => {
    let calls = 0;
    const phonemize = (text: string) => {
      calls += 1;
      if (calls === 3) throw Object.assign(new Error(`cannot phonemize ${text}`), { code: 'KOKORO_INTERNAL' });
      return 'həlˈO';
    };
    const pack = await model().getVoice('af_heart');
    const chunks = iterateNativeStream((onEvent) => loadBinding().startStream(
      model().kmodel.nativeHandle(), 'One. Two. Three. Four.', pack.data, 1, 1, null, phonemize, onEvent));
    const indexes: number[] = [];
    const failure = await (async () => {
      for await (const chunk of chunks) indexes.push(chunk.index);
    })().catch((e: unknown) => e);
    expect(indexes).toEqual([0, 1]);
    expect(failure).toBeInstanceOf(KokoroError);
    expect((failure as Error).message).toContain('Three.');
    // The model keeps serving.
    expect((await model().synthesize('Still here.', { voice: 'af_heart', lang: 'a' })).length).toBeGreaterThan(0);
  });

  it('handles empty, symbol-only and control-character text gracefully', async () => {
    for (const text of ['', '   \n\t  ', '\n\n']) {
      const chunks = [];
      for await (const c of model().generate(text, { voice: 'af_heart', lang: 'a' })) chunks.push(c);
      expect(chunks).toEqual([]);
    }
    const symbols = [];
    for await (const c of model().generate('… — !!! ???', { voice: 'af_heart', lang: 'a' })) symbols.push(c);
    for (const c of symbols) expect(c.audio.length).toBeGreaterThan(0);
    const controls = await model().synthesize('Bell\u0007 and\u0000 null\u001b[31m.', { voice: 'af_heart', lang: 'a' });
    expect(controls.length).toBeGreaterThan(0);
  });

  it('splits long input under 510 tokens per chunk without losing text', async () => {
    const longSentence = Array.from({ length: 60 }, (_, i) => `word${i % 10} and clause number ${i}`).join(', ') + '.';
    const veryLongWord = 'a'.repeat(1500);
    const text = `${longSentence}\n${veryLongWord}`;
    const seen: string[] = [];
    for await (const chunk of model().generate(text, { voice: 'af_heart', lang: 'a' })) {
      expect(chunk.durations.length - 2).toBeLessThanOrEqual(510);
      seen.push(chunk.graphemes);
      const utf8 = Buffer.from(text, 'utf8');
      expect(utf8.subarray(chunk.textRange[0], chunk.textRange[1]).toString('utf8')).toBe(chunk.graphemes);
    }
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
  });

  it('dispose() cancels a stream its consumer abandoned, instead of waiting for it', async () => {
    const other = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', threads: 1 });
    const m = await other.getModel('v1.0');
    const stream = m.generate(Array.from({ length: 40 }, (_, i) => `Sentence ${i}.`).join(' '), { voice: 'af_heart', lang: 'a' });
    expect((await stream.next()).done).toBe(false);
    // Never finished, never returned: dispose must still complete, and the producer stop.
    await other.dispose();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(stream.produced).toBeLessThanOrEqual(4);
    await expect(m.synthesize('Hi.', { voice: 'af_heart', lang: 'a' })).rejects.toMatchObject({ code: ErrorCode.Disposed });
  });

  it('streams Japanese and Mandarin through their JS front ends', async () => {
    const ja = [];
    for await (const c of model().generate('こんにちは。元気ですか？', { voice: 'jf_alpha', lang: 'ja', seed: 1 })) ja.push(c);
    expect(ja.map((c) => c.graphemes)).toEqual(['こんにちは。', '元気ですか？']);
    expect(ja[1]!.phonemes).toBe('ɡeŋkʲi desɨ ka?');
    const zh = [];
    for await (const c of model().generate('你好。谢谢！', { voice: 'zf_xiaobei', lang: 'zh', seed: 1 })) zh.push(c);
    expect(zh.map((c) => c.phonemes)).toEqual(['ni↓ xau↓.', 'ɕje↘ ɕje↘!']);
    for (const c of [...ja, ...zh]) expect(c.audio.length).toBeGreaterThan(0);
  });

  it('rejects bad voices and languages before starting', async () => {
    await expect((async () => {
      for await (const _ of model().generate('Hi.', { voice: 'nobody', lang: 'a' })) { /* nothing */ }
    })()).rejects.toMatchObject({ code: ErrorCode.VoiceNotFound });
    await expect((async () => {
      for await (const _ of model().generate('Hi.', { voice: 'af_heart', lang: 'qq' })) { /* nothing */ }
    })()).rejects.toMatchObject({ code: ErrorCode.UnsupportedLanguage });
    // A voice of another language is allowed.
    expect((await model().synthesize('Hello.', { voice: 'jf_alpha', lang: 'en-us' })).length).toBeGreaterThan(0);
  });
});
