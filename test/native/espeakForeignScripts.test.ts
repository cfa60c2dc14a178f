import { describe, expect, it } from 'vitest';

import { hasShared } from '../helpers/fixtures.js';
import { runWithTinyModel } from '../helpers/childModel.js';

// espeak-ng 1.51 reads a word in a script it has a language for (Greek, Bengali, Gurmukhi,
// Gujarati, Tamil, Kannada, Malayalam, Sinhala, Georgian, Hangul) with a second translator for
// that language; a character that language has no rule for makes espeak replace that translator
// by an English one while still reading with it (heap-use-after-free, found by the fuzz corpus's
// random UTF-16 text). Plain runs read the freed memory silently; the sanitizer run
// (`npm run test:sanitize`, which preloads ASan into this child) aborts on it. Run in a child
// process so that an abort fails the test instead of killing the runner.
const unreadable = ['\u11f4', '\u1180', '\u0387', '\u03f6', '\u0970', '\u09f3', '\u0a76', '\u0af1', '\u0b80', '\u0c80',
  '\u0d04', '\u0dc7', '\u10fb'];
const scripts = { bengali: '\u09e6\u09e7\u09e8', gurmukhi: '\u0a66\u0a67\u0a68', gujarati: '\u0ae6\u0ae7\u0ae8', tamil: '\u0be6\u0be7\u0be8',
  kannada: '\u0ce6\u0ce7\u0ce8', malayalam: '\u0d66\u0d67\u0d68', sinhala: '\u0de6\u0de7\u0de8' };
const espeakLanguages = ['e', 'f', 'h', 'i', 'p'];

describe.skipIf(!hasShared)('characters espeak-ng 1.51 frees its own translator on', () => {
  it('phonemizes and streams them in every espeak language without touching freed memory, as the text without them', () => {
    const result = runWithTinyModel<{ chunks: number; mismatches: unknown[] }>(`
        const unreadable = ${JSON.stringify(unreadable)};
        const digits = ${JSON.stringify(scripts)};
        const mismatches = [];
        let chunks = 0;
        for (const lang of ${JSON.stringify(espeakLanguages)}) {
          const plain = await model.phonemize('uno dos', lang);
          for (const c of unreadable) {
            // Alone, inside a word of its own script, and between words: as if it were not there.
            for (const [text, expected] of [[c, ''], ['uno ' + c + ' dos', plain], ['uno ' + c + c + ' dos', plain]]) {
              const got = await model.phonemize(text, lang);
              if (got !== expected) mismatches.push({ lang, text, got, expected });
            }
          }
          for (const [script, number] of Object.entries(digits)) {
            // Digits of a foreign script are read as the number they write, in the voice's language.
            const got = await model.phonemize(number, lang);
            const expected = await model.phonemize('012', lang);
            if (got !== expected) mismatches.push({ lang, script, got, expected });
            await model.phonemize('\u0a38' + number[0] + ' \u0995' + number, lang);
          }
          for await (const chunk of model.generate('Uno. ' + unreadable.join(' ') + ' ' + Object.values(digits).join(' ') + '. Dos.', { voice: 'af_heart', lang, seed: 1 })) {
            if (chunk.audio.some((x) => !Number.isFinite(x))) throw new Error('non-finite audio');
            chunks += 1;
          }
        }
        for (const lang of ['a', 'b']) await model.phonemize('one ' + unreadable.join(' ') + ' ' + Object.values(digits).join(' ') + ' two', lang);
        console.log(JSON.stringify({ chunks, mismatches }));
    `, 240_000);
    expect(result.mismatches).toEqual([]);
    expect(result.chunks).toBeGreaterThanOrEqual(espeakLanguages.length);
  }, 300_000);
});
