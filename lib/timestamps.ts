import { SAMPLES_PER_FRAME, SAMPLE_RATE } from './KModel.js';

/** A span of the audio of one chunk, in seconds from the chunk's start. */
export interface TimedSpan {
  /** The phoneme(s) of the span. */
  phonemes: string;
  /** For words: the written word, when the chunk's words line up with its phoneme words. */
  text?: string;
  /**
   * For words of the English front end: where the written word lies in the whole input (UTF-8
   * byte offsets, end exclusive), through text normalization (the words of `$5` → "five dollars"
   * both point at `$5`).
   */
  textRange?: [number, number];
  start: number;
  end: number;
}

const SECONDS_PER_FRAME = SAMPLES_PER_FRAME / SAMPLE_RATE;

/**
 * Token and word timings from the predicted durations (one frame = 600 samples = 1/40 s).
 * `durations[0]` and the last entry are the pads around the tokens.
 */
export function timestampsFor(phonemes: string, graphemes: string, durations: Int32Array,
  vocab: Record<string, number>, sources?: { wordSources?: Uint32Array; textStart: number }
): { tokens: TimedSpan[]; words: TimedSpan[] } {
  const tokens: TimedSpan[] = [];
  let frame = durations[0] ?? 0;
  let k = 1;
  for (const symbol of phonemes) {
    if (vocab[symbol] === undefined) continue;
    const length = durations[k++] ?? 0;
    tokens.push({ phonemes: symbol, start: frame * SECONDS_PER_FRAME, end: (frame + length) * SECONDS_PER_FRAME });
    frame += length;
  }
  const words: TimedSpan[] = [];
  let current: TimedSpan | undefined;
  for (const token of tokens) {
    if (token.phonemes === ' ') {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { phonemes: '', start: token.start, end: token.end };
      words.push(current);
    }
    current.phonemes += token.phonemes;
    current.end = token.end;
  }
  const wordSources = sources?.wordSources;
  if (wordSources && wordSources.length === 2 * words.length && phonemeWordCount(phonemes) === words.length) {
    const bytes = Buffer.from(graphemes, 'utf8');
    words.forEach((w, i) => {
      const begin = wordSources[2 * i] ?? 0;
      const end = wordSources[2 * i + 1] ?? begin;
      w.text = bytes.subarray(begin, end).toString('utf8');
      w.textRange = [sources.textStart + begin, sources.textStart + end];
    });
    return { tokens, words };
  }
  const written = graphemes.split(/\s+/).filter((w) => w.length > 0);
  if (written.length === words.length) words.forEach((w, i) => { w.text = written[i]; });
  return { tokens, words };
}

/** Space-separated words of a phoneme string (as the front end counted them). */
function phonemeWordCount(phonemes: string): number {
  return phonemes.split(' ').filter((w) => w.length > 0).length;
}
