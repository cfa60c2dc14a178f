import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ModelManager, type KokoroModel } from '../../lib/index.js';
import { createMandarinPhonemizer, syllableToPhonemes } from '../../lib/phonemize/mandarin.js';
import { kanaToPhonemes } from '../../lib/phonemize/kana.js';
import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

const SAMPLES: Record<string, string> = {
  'en-us': 'Hello there, how are you today?',
  'en-gb': 'Hello there, how are you today?',
  es: 'Hola amigo, ¿cómo estás hoy?',
  'fr-fr': 'Bonjour mon ami, comment vas-tu?',
  hi: 'नमस्ते दोस्त, आप कैसे हैं?',
  it: 'Ciao amico, come stai oggi?',
  'pt-br': 'Olá amigo, como você está hoje?',
  ja: '今日は東京で日本語を勉強します。',
  zh: '你好，我们今天学习中文。',
};

describe.skipIf(!hasShared)('phonemizers', () => {
  let manager: ModelManager;
  let model: KokoroModel;
  let vocab: Record<string, number>;
  beforeAll(async () => {
    manager = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', threads: 1 });
    model = await manager.getModel('v1.0');
    vocab = model.kmodel.config.vocab;
  });
  afterAll(() => manager?.dispose());

  for (const [alias, text] of Object.entries(SAMPLES)) {
    it(`${alias}: vocab symbols only, every word read`, async () => {
      const raw = await (await model.getPipeline(alias)).phonemize(text);
      expect(raw).not.toMatch(/\([a-z^-]+\)/);
      expect(raw).not.toContain('^');
      const phonemes = await model.phonemize(text, alias);
      expect(phonemes.length).toBeGreaterThan(5);
      for (const symbol of phonemes) expect(vocab[symbol], `${alias}: ${symbol}`).toBeDefined();
      if (!['ja', 'zh'].includes(alias)) {
        const words = text.split(/\s+/).length;
        expect(phonemes.split(' ').filter((w) => /[^\s.,?!¿]/.test(w)).length).toBeGreaterThanOrEqual(words);
      }
    });
  }

  it('every alias of a language gives the same phonemes', async () => {
    const groups = [['a', 'en-us', 'en'], ['f', 'fr-fr', 'fr'], ['z', 'zh', 'cmn'], ['p', 'pt-br']];
    for (const group of groups) {
      const results = await Promise.all(group.map((code) => model.phonemize(SAMPLES[group[1]!] ?? SAMPLES.zh!, code)));
      expect(new Set(results).size).toBe(1);
    }
  });

  it('writes English diphthongs as single letters, British GOAT as Q, American flap as T', async () => {
    const us = await model.phonemize('I go out now, boy. They say the butter is better.', 'en-us');
    for (const letter of ['I', 'O', 'W', 'Y', 'A', 'T']) expect(us).toContain(letter);
    expect(us).not.toMatch(/aɪ|oʊ|aʊ|ɔɪ|eɪ|ɾ/);
    const gb = await model.phonemize('I go home.', 'en-gb');
    expect(gb).toContain('Q');
    expect(gb).not.toContain('T');
  });

  it('keeps punctuation the model knows, around clauses on both sides', async () => {
    expect(await model.phonemize('Wait, what? Yes! Fine; done: ok.', 'a')).toMatch(/,.*\?.*!.*;.*:.*\./);
    expect(await model.phonemize('“Hello.” Then bye.', 'a')).toMatch(/^“.*\.” .*\.$/);
    // English reads straight quotes as opening and closing quotes, as the official front end does.
    expect(await model.phonemize('He said: "yes." Then left.', 'a')).toMatch(/: “.*\.” \S/);
    expect(await model.phonemize('He said: "yes." Then left.', 'es')).toMatch(/: ".*\." \S/);
  });

  it('reads Japanese kanji and Mandarin hanzi for real', async () => {
    const ja = await model.phonemize('日本語', 'ja');
    expect(ja).toBe('ɲihoŋɡo');
    expect(await model.phonemize('ちょっと待って', 'ja')).toBe('ʨoʔto maʔte');
    const zh = await model.phonemize('你好，中国。', 'zh');
    expect(zh).toBe('ni↓ xau↓, ꭧʊ→ŋ kwo↗.');
  });

  it('serialises espeak-ng across many concurrent callers without mixing results', async () => {
    const texts = ['One two three.', 'Four five six.', 'Seven eight nine.', 'Ten eleven twelve.'];
    const sequential = [];
    for (const t of texts) sequential.push(await model.phonemize(t, 'a'));
    const concurrent = await Promise.all(Array.from({ length: 40 }, (_, i) => model.phonemize(texts[i % 4]!, 'a')));
    concurrent.forEach((p, i) => expect(p).toBe(sequential[i % 4]));
  });
});

describe('pinyin and kana tables', () => {
  it('maps pinyin syllables with tone arrows', () => {
    expect(syllableToPhonemes('zhong1')).toBe('ꭧʊ→ŋ');
    expect(syllableToPhonemes('shi4')).toBe('ʂɨ↘');
    expect(syllableToPhonemes('lü4')).toBe('ly↘');
    expect(syllableToPhonemes('xue2')).toBe('ɕɥe↗');
    expect(syllableToPhonemes('liu2')).toBe('ljou↗');
    expect(syllableToPhonemes('gui4')).toBe('kwei↘');
    expect(syllableToPhonemes('yuan2')).toBe('ɥɛ↗n');
    expect(syllableToPhonemes('wo3')).toBe('wo↓');
    expect(syllableToPhonemes('de0')).toBe('tɤ');
    expect(syllableToPhonemes('er2')).toBe('ɚ↗');
    expect(createMandarinPhonemizer().phonemize('我有2个')).toContain('ɚ↘');
  });

  it('maps kana with digraphs, sokuon, long vowels and assimilated n', () => {
    expect(kanaToPhonemes('きょう')).toBe('kʲoɯ');
    expect(kanaToPhonemes('がっこう')).toBe('ɡaʔkoɯ');
    expect(kanaToPhonemes('らーめん')).toBe('ɾaːmeɴ');
    expect(kanaToPhonemes('さんぽ')).toBe('sampo');
    expect(kanaToPhonemes('ぎんこう')).toBe('ɡʲiŋkoɯ');
    expect(kanaToPhonemes('ふぁいと')).toBe('ɸaito');
  });
});
