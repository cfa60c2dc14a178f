import { ErrorCode, KokoroError, nativeCall } from './errors.js';
import { resolveLanguage, type LanguageCode, type LanguageInfo } from './languages.js';
import { loadBinding } from './native/loadBinding.js';

/** Text → phonemes for one language. Created once per language by {@link KokoroModel.getPipeline}. */
export interface Pipeline {
  readonly language: LanguageInfo;
  /** Kokoro phonemes of `text` (symbols outside the model's vocab may remain; the model drops them). */
  phonemize(text: string): Promise<string>;
  /** For the native stream: the espeak language, or a synchronous JS phonemizer. */
  readonly streamFrontEnd: { espeakLanguage: LanguageCode } | { phonemize: (text: string) => string };
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
export async function createPipeline(code: string): Promise<Pipeline> {
  const language = resolveLanguage(code);
  if (language.frontEnd === 'espeak-ng') {
    return {
      language,
      streamFrontEnd: { espeakLanguage: language.code },
      phonemize: (text) => nativeCall(() => loadBinding().phonemize(sanitizeText(text), language.code)),
    };
  }
  const phonemizer = await loadJsPhonemizer(language);
  return {
    language,
    streamFrontEnd: { phonemize: (text) => phonemizer.phonemize(text) },
    phonemize: async (text) => phonemizer.phonemize(sanitizeText(text)),
  };
}
