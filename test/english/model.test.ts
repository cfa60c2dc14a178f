import { describe, expect, it } from 'vitest';

import { ModelManager } from '../../lib/index.js';
import { hasShared } from '../helpers/fixtures.js';
import { tinyModelForSuite } from '../helpers/tinyModel.js';

// The English front end inside a model: the model-wide lexicon, a request's lexicon, and the
// stream (native producer thread) reading through the lexicon G2P like phonemize() does.
describe.skipIf(!hasShared)('English front end in a model', () => {
  const model = tinyModelForSuite({ lexicon: { Kokoro: 'kˈOkəɹO' } });

  it('reads the model-wide lexicon in phonemize and generate, and a request’s entries over it', async () => {
    expect(await model().phonemize('Kokoro speaks.', 'a')).toBe('kˈOkəɹO spˈiks.');
    expect(await model().phonemize('Kokoro speaks.', 'a', { lexicon: { Kokoro: 'kəkˈɔɹO' } })).toBe('kəkˈɔɹO spˈiks.');
    const chunks = [];
    for await (const chunk of model().generate('Kokoro reads [this](/ðˈɪs/) the way you say.', {
      voice: 'af_heart', lang: 'en-us', seed: 1, lexicon: { way: 'wˈA' } })) chunks.push(chunk);
    expect(chunks.map((c) => c.phonemes).join(' ')).toBe('kˈOkəɹO ɹˈidz ðˈɪs ðə wˈA ju sˈA.');
  });

  it('streams the same phonemes as phonemize, for both dialects', async () => {
    const text = 'The old record player still works. They record a new album today!';
    for (const lang of ['a', 'b']) {
      const streamed = [];
      for await (const chunk of model().generate(text, { voice: 'af_heart', lang, seed: 1 })) streamed.push(chunk.phonemes);
      expect(streamed.join(' ')).toBe(await model().phonemize(text, lang));
    }
  });

  it('rejects a malformed model lexicon when the manager is made', () => {
    expect(() => new ModelManager({ lexicon: { word: '' } })).toThrow(/"word"/);
  });
});

describe.skipIf(!hasShared)('word timestamps through normalization', () => {
  const model = tinyModelForSuite();

  it('point every word at what the user wrote, expansions included', async () => {
    const text = 'Intro. Dr. Smith paid $5.30 at 10:35 pm, “gladly”.';
    const words = [];
    for await (const chunk of model().generate(text, { voice: 'af_heart', lang: 'a', seed: 1 })) {
      words.push(...chunk.words);
      // Times are from the chunk's start and follow the words' order.
      for (let i = 1; i < chunk.words.length; ++i) expect(chunk.words[i]!.start).toBeGreaterThanOrEqual(chunk.words[i - 1]!.start);
    }
    const bytes = Buffer.from(text);
    for (const word of words) {
      expect(word.textRange).toBeDefined();
      const [begin, end] = word.textRange!;
      expect(bytes.subarray(begin, end).toString()).toBe(word.text);
    }
    const said = (written: string) => words.filter((w) => w.text === written).map((w) => w.phonemes);
    expect(said('Dr.')).toEqual(['dˈɑktəɹ']);
    expect(said('$5.30').join(' ')).toMatch(/fˈIv dˈɑləɹz/);
    expect(words.map((w) => w.text)).toContain('Smith');
    expect(words.at(-1)!.text).toBe('“gladly”.');
  });
});
