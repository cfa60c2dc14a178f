import { dirname, join } from 'node:path';

import { builder, type IpadicFeatures, type Tokenizer } from 'kuromoji';

import { ErrorCode, KokoroError } from '../errors.js';
import { kanaToPhonemes, katakanaToHiragana } from './kana.js';
import type { Phonemizer } from './mandarin.js';
import { japaneseNumber } from './numbers.js';

/** Japanese punctuation to the marks the model knows. */
const PUNCTUATION: Record<string, string> = {
  '。': '.', '、': ',', '，': ',', '？': '?', '！': '!', '「': '“', '」': '”', '『': '“', '』': '”', '：': ':',
  '；': ';', '（': '(', '）': ')', '《': '(', '》': ')', '～': '—', '〜': '—', '—': '—', '…': '…', '«': '“', '»': '”',
  '・': ' ',
};
const OPENING = new Set(['“', '(']);
const CLOSING = new Set(['.', ',', '?', '!', '”', ':', ';', ')', '…']);

function punctuationMark(c: string): string | undefined {
  return PUNCTUATION[c] ?? ('.,?!:;"()'.includes(c) ? c : undefined);
}

let tokenizer: Promise<Tokenizer<IpadicFeatures>> | undefined;

function defaultDictionary(): string {
  return join(dirname(require.resolve('kuromoji/package.json')), 'dict');
}

function loadTokenizer(dictPath: string): Promise<Tokenizer<IpadicFeatures>> {
  return new Promise((resolve, reject) => {
    builder({ dicPath: dictPath }).build((error, built) => {
      if (error) {
        reject(new KokoroError(ErrorCode.PhonemizerUnavailable,
          `the Japanese dictionary could not be loaded from ${dictPath} (${error.message}). ` +
          'Reinstall kokoro-native (it depends on kuromoji, which ships the dictionary).'));
      } else {
        resolve(built);
      }
    });
  });
}

/**
 * The Japanese front end: kuromoji's IPA dictionary gives each word's pronunciation in kana
 * (the official front end uses MeCab/UniDic readings the same way), which becomes phonemes
 * kana by kana; words are separated by spaces, punctuation joins the word before it.
 * The dictionary loads once per process (about a second).
 */
export async function createJapanesePhonemizer(options: { dictPath?: string } = {}): Promise<Phonemizer> {
  const dictPath = options.dictPath ?? defaultDictionary();
  if (options.dictPath) return wrap(await loadTokenizer(dictPath));
  tokenizer ??= loadTokenizer(dictPath);
  tokenizer.catch(() => { tokenizer = undefined; });
  return wrap(await tokenizer);
}

function wrap(tk: Tokenizer<IpadicFeatures>): Phonemizer {
  return {
    phonemize(text: string): string {
      const normalized = text.normalize('NFKC').replace(/\d+/g, (d) => japaneseNumber(d));
      const words: string[] = [];
      for (const token of tk.tokenize(normalized)) {
        const surface = token.surface_form;
        const marks = [...surface].map(punctuationMark);
        if (marks.every((m) => m !== undefined)) {
          for (const mark of marks as string[]) {
            if (mark === ' ') continue;
            if (CLOSING.has(mark) && words.length > 0) words[words.length - 1] += mark;
            else words.push(mark);
          }
          continue;
        }
        if (/^[\x21-\x7E]+$/.test(surface)) {
          words.push(surface); // Latin text passes through, as in the official front end
          continue;
        }
        const kana = token.pronunciation && token.pronunciation !== '*' ? token.pronunciation
          : token.reading && token.reading !== '*' ? token.reading : /^[\u3040-\u30FF]+$/.test(surface) ? surface : '';
        const phonemes = kanaToPhonemes(katakanaToHiragana(kana));
        if (phonemes) words.push(phonemes);
      }
      // Join, keeping opening marks on the word after them; a glottal stop binds to its word.
      let out = '';
      for (const word of words) {
        if (out && !OPENING.has(out[out.length - 1]!)) out += ' ';
        out += word;
      }
      return out.replace(/ (?=ʔ)/g, '').replace(/(?<=ʔ) (?![“(])/g, '').replace(/\s+/g, ' ').trim();
    },
  };
}
