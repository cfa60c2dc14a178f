import { ErrorCode, KokoroError, nativeCall } from './errors.js';
import { resolveLanguage, type LanguageCode, type LanguageInfo } from './languages.js';
import { checkLexicon, englishLexiconPath, mergeLexicons, type Lexicon } from './lexicon.js';
import type { NativeEnglishSettings } from './native/binding.js';
import { validateNormalizationOptions, type NormalizationOptions } from './normalize.js';
import { loadBinding } from './native/loadBinding.js';

/** Per-call options of a pipeline's phonemizer. */
export interface PhonemizeOptions {
  /** Words pronounced your way for this call (English), over the model's lexicon. */
  lexicon?: Lexicon;
  /**
   * English text normalization before phonemization: families to switch off
   * (`{ urls: false }`), or `false` for none. Defaults to every family on.
   */
  normalization?: NormalizationOptions | false;
}

/** What the native stream runs: a native front end (with English settings), or a synchronous JS phonemizer. */
export type StreamFrontEnd =
  | { espeakLanguage: LanguageCode; english?: NativeEnglishSettings }
  | { phonemize: (text: string) => string };

/** Text → phonemes for one language. Created once per language by {@link KokoroModel.getPipeline}. */
export interface Pipeline {
  readonly language: LanguageInfo;
  /** Kokoro phonemes of `text` (symbols outside the model's vocab may remain; the model drops them). */
  phonemize(text: string, options?: PhonemizeOptions): Promise<string>;
  /** For the native stream: the front end of one request. */
  streamFrontEnd(options?: PhonemizeOptions): StreamFrontEnd;
}

/** Options of a pipeline for its whole life. */
export interface PipelineOptions {
  /** Words pronounced your way in every call (English). */
  lexicon?: Lexicon;
}

interface SyncPhonemizer { phonemize(text: string): string }

async function loadJsPhonemizer(language: LanguageInfo): Promise<SyncPhonemizer> {
  try {
    if (language.code === 'j') return await (await import('./phonemize/japanese.js')).createJapanesePhonemizer();
    return (await import('./phonemize/mandarin.js')).createMandarinPhonemizer();
  } catch (error) {
    if (error instanceof KokoroError) throw error;
    throw new KokoroError(ErrorCode.PhonemizerUnavailable,
      `the ${language.name} phonemizer (${language.frontEnd}) could not be loaded: ${(error as Error).message}`, { cause: error });
  }
}

/** Replaces control characters (other than newlines and tabs) by spaces. */
export function sanitizeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, ' ');
}

/** Creates the pipeline of a language code or alias; throws UnsupportedLanguage for others. */
export async function createPipeline(code: string, options: PipelineOptions = {}): Promise<Pipeline> {
  const language = resolveLanguage(code);
  const baseLexicon = checkLexicon(options.lexicon, 'lexicon');
  if (language.frontEnd === 'espeak-ng' || language.frontEnd === 'lexicon + espeak-ng') {
    const english = language.frontEnd === 'lexicon + espeak-ng';
    const streamFrontEnd = (request: PhonemizeOptions = {}): StreamFrontEnd => {
      if (!english) return { espeakLanguage: language.code };
      const userLexicon = mergeLexicons(baseLexicon, checkLexicon(request.lexicon, 'lexicon'));
      const normalization = request.normalization === false ? false : validateNormalizationOptions(request.normalization);
      return {
        espeakLanguage: language.code,
        english: { lexicon: englishLexiconPath(language.code === 'b'), userLexicon, normalization },
      };
    };
    return {
      language,
      streamFrontEnd,
      phonemize: async (text, request) => {
        const frontEnd = streamFrontEnd(request) as { espeakLanguage: LanguageCode; english?: NativeEnglishSettings };
        return nativeCall(() => loadBinding().phonemize(sanitizeText(text), language.code, frontEnd.english));
      },
    };
  }
  const phonemizer = await loadJsPhonemizer(language);
  return {
    language,
    streamFrontEnd: () => ({ phonemize: (text) => phonemizer.phonemize(text) }),
    phonemize: async (text) => phonemizer.phonemize(sanitizeText(text)),
  };
}
