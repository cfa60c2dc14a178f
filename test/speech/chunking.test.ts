import { describe, expect, it } from 'vitest';

import { hasShared } from '../helpers/fixtures.js';
import { tinyModelForSuite } from '../helpers/tinyModel.js';

// Where the native chunker cuts text into sentences (one chunk each), seen through generate().
describe.skipIf(!hasShared)('sentence chunks around abbreviations, decimals and times', () => {
  const model = tinyModelForSuite();

  // Whole sentences from the start (no short first chunk): the sentence cuts alone.
  async function chunksOf(text: string): Promise<string[]> {
    const chunks: string[] = [];
    for await (const chunk of model().generate(text, { voice: 'af_heart', lang: 'a', firstChunkTokens: 0 })) chunks.push(chunk.graphemes);
    return chunks;
  }

  it('does not end a sentence after a title or a street', async () => {
    expect(await chunksOf('Dr. Smith met Mrs. Jones on St. James St. near the bank. They talked.'))
      .toEqual(['Dr. Smith met Mrs. Jones on St. James St. near the bank.', 'They talked.']);
    expect(await chunksOf('Ask Prof. Lee and Mr. Ode. Then leave.')).toEqual(['Ask Prof. Lee and Mr. Ode.', 'Then leave.']);
  });

  it('keeps times, decimals and Latin abbreviations inside their sentence', async () => {
    expect(await chunksOf('We meet at 5 p.m. on Friday, e.g. after work. It costs 3.50 dollars.'))
      .toEqual(['We meet at 5 p.m. on Friday, e.g. after work.', 'It costs 3.50 dollars.']);
    expect(await chunksOf('Bring pens, paper, etc. and snacks. Thanks.'))
      .toEqual(['Bring pens, paper, etc. and snacks.', 'Thanks.']);
    expect(await chunksOf('See No. 5 and J. R. R. Tolkien books. Done.'))
      .toEqual(['See No. 5 and J. R. R. Tolkien books.', 'Done.']);
  });

  it('still ends a sentence where an abbreviation closes it', async () => {
    expect(await chunksOf('We left at 6 p.m. Then it rained.')).toEqual(['We left at 6 p.m.', 'Then it rained.']);
    expect(await chunksOf('Pens, paper, etc. The rest later.')).toEqual(['Pens, paper, etc.', 'The rest later.']);
    expect(await chunksOf('No. I will not.')).toEqual(['No.', 'I will not.']);
    expect(await chunksOf('It is plan B. Then we go.')).toEqual(['It is plan B.', 'Then we go.']);
  });
});
