import { describe, expect, it } from 'vitest';

import { ErrorCode, type GenerateResult } from '../../lib/index.js';
import { hasShared } from '../helpers/fixtures.js';
import { tinyModelForSuite } from '../helpers/tinyModel.js';

// The fast first chunk (GenerateOptions.firstChunkTokens): a short opening chunk cut at a
// clause or word boundary, later chunks doubling until they are whole sentences again.
const STORY = 'The morning train left the station a little after seven, carrying commuters into the city. ' +
  'Most of them read the news on their phones, while a few stared out at the passing fields. ' +
  'Nobody noticed the old man in the corner seat, who was quietly sketching the faces around him. ' +
  'By the time the train reached the river, he had filled three pages with careful drawings.';

const tokensOf = (chunk: GenerateResult) => chunk.durations.length - 2;
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

describe.skipIf(!hasShared)('fast first chunk', () => {
  const model = tinyModelForSuite({ batch: { maxSize: 1 } });

  async function chunksOf(text: string, firstChunkTokens?: number): Promise<GenerateResult[]> {
    const chunks: GenerateResult[] = [];
    for await (const chunk of model().generate(text, { voice: 'af_heart', lang: 'a', seed: 5, firstChunkTokens })) chunks.push(chunk);
    return chunks;
  }

  it('starts short and doubles the budget chunk by chunk, cutting only between words', async () => {
    const utf8 = Buffer.from(STORY, 'utf8');
    const chunks = await chunksOf(STORY, 16);
    // Budgets 16, 32, 64, 128: the first sentence (over 80 tokens) is cut, the others are not.
    const sentences = STORY.split(/(?<=\.) /);
    expect(chunks.slice(-3).map((c) => c.graphemes)).toEqual(sentences.slice(1));
    expect(chunks.length).toBeGreaterThanOrEqual(3 + 2);
    chunks.forEach((chunk, i) => {
      const words = chunk.graphemes.split(/\s+/).length;
      if (words > 1) expect(tokensOf(chunk)).toBeLessThanOrEqual(16 * 2 ** i);
      const [begin, end] = chunk.textRange;
      expect(utf8.subarray(begin, end).toString('utf8')).toBe(chunk.graphemes);
      expect(isSpace(utf8.subarray(begin - 1, begin).toString('utf8') || undefined)).toBe(true);
      expect(isSpace(utf8.subarray(end, end + 1).toString('utf8') || undefined)).toBe(true);
    });
    expect(tokensOf(chunks[0]!)).toBeGreaterThanOrEqual(4);
    expect(tokensOf(chunks[1]!)).toBeGreaterThan(tokensOf(chunks[0]!));
    expect(chunks.map((c) => c.graphemes).join(' ')).toBe(STORY);
  });

  it('prefers the last clause boundary within the budget', async () => {
    const chunks = await chunksOf('Yes, of course, we will meet you at the old station after the long meeting ends tonight.', 24);
    expect(chunks[0]!.graphemes).toBe('Yes, of course,');
    expect(chunks.at(-1)!.graphemes.endsWith('tonight.')).toBe(true);
  });

  it('keeps word timestamps pointing at the words of the input', async () => {
    const utf8 = Buffer.from(STORY, 'utf8');
    const chunks = await chunksOf(STORY, 16);
    const words = chunks.flatMap((chunk) => chunk.words);
    expect(words.length).toBe(STORY.split(' ').length);
    for (const word of words) {
      expect(word.textRange).toBeDefined();
      const written = utf8.subarray(word.textRange![0], word.textRange![1]).toString('utf8');
      expect(written).toBe(word.text);
    }
    expect(words.map((w) => w.text).join(' ')).toBe(STORY);
  });

  it('0 turns it off: whole sentences, and the chunks after the opening ones are the same', async () => {
    const off = await chunksOf(STORY, 0);
    expect(off.map((c) => c.graphemes)).toEqual(STORY.split(/(?<=\.) /));
    const on = await chunksOf(STORY, 16);
    // Once the budget exceeds a sentence, the chunks are the sentences, phonemes and durations
    // alike (the audio differs only by the seed, which follows the chunk index).
    const tailOn = on.slice(-2);
    const tailOff = off.slice(-2);
    expect(tailOn.map((c) => [c.graphemes, c.phonemes, Array.from(c.durations)]))
      .toEqual(tailOff.map((c) => [c.graphemes, c.phonemes, Array.from(c.durations)]));
    expect(tailOn.map((c) => c.audio.length)).toEqual(tailOff.map((c) => c.audio.length));
  });

  it('is on by default, and leaves a text that already fits alone', async () => {
    const byDefault = await chunksOf(STORY);
    expect(byDefault[0]!.graphemes.length).toBeLessThan(STORY.indexOf('.'));
    const short = await chunksOf('Hello there. How are you?');
    expect(short.map((c) => c.graphemes)).toEqual(['Hello there.', 'How are you?']);
  });

  it('never cuts a single long word, and still splits over-long input under the model limit', async () => {
    const word = 'a'.repeat(1500);
    const chunks = await chunksOf(`Go ${word}`, 8);
    expect(chunks[0]!.graphemes).toBe('Go');
    for (const chunk of chunks) expect(tokensOf(chunk)).toBeLessThanOrEqual(510);
    expect(chunks.map((c) => c.graphemes).join('').length).toBe(word.length + 2);
  });

  it('rejects a budget that is not a token count from 0 to 510', async () => {
    for (const bad of [-1, 1.5, 511, Number.NaN, '8']) {
      await expect(chunksOf('Hello.', bad as number)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    expect((await chunksOf('Hello.', 510)).map((c) => c.graphemes)).toEqual(['Hello.']);
  });
});
