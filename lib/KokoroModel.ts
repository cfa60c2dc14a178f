import type { EngineStats } from './engineOptions.js';
import { ErrorCode, KokoroError } from './errors.js';
import { KModel, type InferOptions, type VoiceInput } from './KModel.js';
import { resolveLanguage } from './languages.js';
import { checkLexicon, type Lexicon } from './lexicon.js';
import { checkSignal } from './limits.js';
import type { NativeStreamChunk } from './native/binding.js';
import { loadBinding } from './native/loadBinding.js';
import { createPipeline, sanitizeText, type PhonemizeOptions, type Pipeline } from './pipeline.js';
import { iterateNativeStream } from './speechStream.js';
import { timestampsFor, type TimedSpan } from './timestamps.js';
import { VoiceLibrary } from './voiceLibrary.js';

/** A voice: a name in the model's voices folder (`af_heart`), a mix (`af_bella(2)+af_sky(1)`), a path, or floats. */
export type Voice = VoiceInput;

export interface GenerateOptions {
  /** Voice name, mix, path or Float32Array. */
  voice: Voice;
  /** Language code or alias (`a`, `en-us`, `ja`, …). */
  lang: string;
  /** Speaking rate in [0.25, 4]; defaults to 1. */
  speed?: number;
  /** Seed of the decoder noise; chunk i uses seed + i. Random by default. */
  seed?: number;
  /**
   * Phoneme tokens of the first chunk, so that audio starts soon: the first sentence is cut at
   * its last clause boundary (else word boundary) within this budget, never inside a word, and
   * each later chunk may hold twice as many tokens as the one before until chunks are whole
   * sentences again (510 tokens at most). Each chunk is spoken as an utterance of its own, so
   * the cuts cost a little prosody at the start. `0` turns it off (whole sentences from the
   * start). Defaults to 16 (about one second of speech; chosen by measurement, BENCHMARKS.md issue 9).
   */
  firstChunkTokens?: number;
  /** Stops generation; the iteration then rejects with code KOKORO_ABORTED. */
  signal?: AbortSignal;
  /** Words pronounced your way in this request (English), over the model's `lexicon`. */
  lexicon?: Lexicon;
  /** English text normalization: families to switch off (`{ urls: false }`), or `false` for none. Defaults to all on. */
  normalization?: PhonemizeOptions['normalization'];
}

/** Options of a {@link KokoroModel} for its whole life. */
export interface KokoroModelOptions {
  /** Words pronounced your way in every English request: `{ Kokoro: 'kˈOkəɹO' }`. Defaults to none. */
  lexicon?: Lexicon;
}

/** One chunk of generated speech. */
export interface GenerateResult {
  /** Position of the chunk in the stream. */
  index: number;
  /** The text this chunk speaks, and where it lies in the input (UTF-8 byte offsets). */
  graphemes: string;
  textRange: [number, number];
  phonemes: string;
  /** Mono audio at 24 kHz. */
  audio: Float32Array;
  /** Frames per token (pads included). */
  durations: Int32Array;
  /** Per-token and per-word times in seconds from the chunk's start. */
  tokens: TimedSpan[];
  words: TimedSpan[];
  seed: number;
}

/** The chunks of one {@link KokoroModel.generate} call. */
export interface GenerationStream extends AsyncGenerator<GenerateResult, void, undefined> {
  /** Chunks synthesized natively so far (at most a couple ahead of those consumed). */
  readonly produced: number;
}

export interface ForwardOptions extends Omit<GenerateOptions, 'voice' | 'lang'> {}

/**
 * A loaded Kokoro model with its text front ends: the wrapper of the design
 * (KokoroV1Wrapper), with per-language pipelines cached and speech streamed chunk by chunk.
 */
export class KokoroModel implements AsyncDisposable {
  private readonly pipelines = new Map<string, Promise<Pipeline>>();
  private readonly voices: VoiceLibrary;

  /** The model's user lexicon (English), applied to every request. */
  readonly lexicon: Lexicon | undefined;

  constructor(readonly kmodel: KModel, voicesDir: string | undefined, readonly version: string,
    options: KokoroModelOptions = {}) {
    this.voices = new VoiceLibrary(voicesDir, kmodel.voiceCache);
    this.lexicon = checkLexicon(options.lexicon, 'lexicon');
  }

  /** The pipeline of a language (cached: the same object for every call with that language). */
  async getPipeline(langCode: string): Promise<Pipeline> {
    const language = resolveLanguage(langCode);
    let pipeline = this.pipelines.get(language.code);
    if (!pipeline) {
      pipeline = createPipeline(language.code, { lexicon: this.lexicon });
      this.pipelines.set(language.code, pipeline);
      pipeline.catch(() => this.pipelines.delete(language.code));
    }
    return pipeline;
  }

  /** Phonemes of `text` in a language, as the model will read them (symbols outside its vocab removed); `lexicon` as in generate. */
  async phonemize(text: string, lang: string, options: PhonemizeOptions = {}): Promise<string> {
    const phonemes = await (await this.getPipeline(lang)).phonemize(text, options);
    const vocab = this.kmodel.config.vocab;
    return [...phonemes].filter((symbol) => vocab[symbol] !== undefined).join('');
  }

  /** The voice pack a voice spec resolves to (cached). */
  getVoice(voice: Voice) {
    return this.voices.get(voice);
  }

  /**
   * Speech for `text`, chunk by chunk (sentences; long ones split under the model's 510 tokens),
   * with timestamps. Breaking out of the loop stops the native work.
   */
  generate(text: string, options: GenerateOptions): GenerationStream {
    const progress = { produced: () => 0 };
    const stream = this.runGeneration(text, options, progress) as GenerationStream;
    Object.defineProperty(stream, 'produced', { get: () => progress.produced() });
    return stream;
  }

  private async *runGeneration(text: string, options: GenerateOptions, progress: { produced: () => number }
  ): AsyncGenerator<GenerateResult, void, undefined> {
    if (typeof text !== 'string') throw new KokoroError(ErrorCode.InvalidArgument, 'text must be a string');
    if (typeof options !== 'object' || options === null) {
      throw new KokoroError(ErrorCode.InvalidArgument, 'generate(text, { voice, lang }): options are required');
    }
    // Speed and seed are checked natively when the stream starts (lib/limits.ts).
    checkSignal(options.signal);
    const pipeline = await this.getPipeline(options.lang);
    const voice = await this.voices.get(options.voice);
    checkSignal(options.signal);
    const native = this.kmodel.nativeHandle();
    const frontEnd = pipeline.streamFrontEnd({ lexicon: options.lexicon, normalization: options.normalization });
    const chunks = iterateNativeStream((onEvent) => loadBinding().startStream(
      native, sanitizeText(text), voice.native, options.speed, options.seed,
      'espeakLanguage' in frontEnd ? frontEnd.espeakLanguage : null,
      'phonemize' in frontEnd ? frontEnd.phonemize : null,
      onEvent, 'english' in frontEnd ? frontEnd.english : undefined, options.firstChunkTokens), options.signal);
    progress.produced = () => chunks.produced;
    const release = this.kmodel.registerStream(() => void chunks.return?.());
    try {
      for await (const chunk of chunks) yield this.toResult(chunk);
    } finally {
      await chunks.return?.();
      release();
    }
  }

  /** The design's `forward`: audio chunks (Float32Array, 24 kHz) for `text`. */
  async *forward(text: string, voice: Voice, langCode: string, options: ForwardOptions = {}): AsyncGenerator<Float32Array, void, undefined> {
    for await (const chunk of this.generate(text, { ...options, voice, lang: langCode })) yield chunk.audio;
  }

  /** All the audio of `text` at once. */
  async synthesize(text: string, options: GenerateOptions): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for await (const chunk of this.generate(text, options)) parts.push(chunk.audio);
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /** Phonemes straight to audio (no text front end). */
  infer(phonemes: string, voice: Voice, options: InferOptions = {}) {
    return this.voices.get(voice).then((pack) => this.kmodel.infer(phonemes, pack.data, options));
  }

  /** What the model's executor is doing and has done (see {@link KModel.stats}). */
  stats(): EngineStats {
    return this.kmodel.stats();
  }

  async dispose(): Promise<void> {
    await this.kmodel.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private toResult(chunk: NativeStreamChunk): GenerateResult {
    const { tokens, words } = timestampsFor(chunk.phonemes, chunk.graphemes, chunk.durations, this.kmodel.config.vocab,
      { wordSources: chunk.wordSources, textStart: chunk.textStart });
    return {
      index: chunk.index,
      graphemes: chunk.graphemes,
      textRange: [chunk.textStart, chunk.textEnd],
      phonemes: chunk.phonemes,
      audio: chunk.audio,
      durations: chunk.durations,
      tokens,
      words,
      seed: chunk.seed,
    };
  }
}
