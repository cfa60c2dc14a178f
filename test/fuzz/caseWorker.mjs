// Runs fuzz cases (from runCases.mjs) against the public API, one after another, printing
// `start <id>` before and `end <id> <outcome JSON>` after each, so that the parent can tell
// which case crashed or hung. After every case the same model must still serve a normal request.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [casesPath, firstIndex, modelsDir, tinyConfig, tinyWeights, distDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { ErrorCode, KModel, KokoroError, ModelManager } = require(join(distDir, 'index.js'));
const knownCodes = new Set(Object.values(ErrorCode));

const cases = JSON.parse(readFileSync(casesPath, 'utf8'), (_, v) => (v && typeof v === 'object' && '$number' in v ? Number(v.$number) : v));
const manager = new ModelManager({ modelsDir, device: 'cpu', threads: 1 });
const model = await manager.getModel();

function audioOutcome(samples, finite) {
  return finite ? { audio: samples } : { bad: 'non-finite audio returned' };
}
function isFinite(audio) {
  for (const x of audio) if (!Number.isFinite(x)) return false;
  return true;
}
async function firstChunks(stream, limit = 3) {
  let samples = 0;
  let finite = true;
  let n = 0;
  for await (const chunk of stream) {
    samples += chunk.audio.length;
    finite &&= isFinite(chunk.audio);
    if (++n >= limit) break;
  }
  return audioOutcome(samples, finite);
}
function signalOf(value) {
  if (value === 'abort') return AbortSignal.abort();
  if (value === 'object') return { aborted: false, addEventListener() {} };
  return value;
}
async function voiceOf(c) {
  if (c.floats === 'nan') return new Float32Array(256).fill(Number.NaN);
  if (c.floats === 'short') return new Float32Array(100);
  return c.voice;
}

async function run(c) {
  switch (c.kind) {
    case 'voiceFile': {
      const result = await model.infer('hˈɛlO', c.path, { seed: 1 });
      return audioOutcome(result.audio.length, isFinite(result.audio));
    }
    case 'checkpoint':
    case 'config': {
      const config = c.kind === 'config' ? (c.configPath ?? c.config) : tinyConfig;
      const loaded = await KModel.load({ config, weights: c.kind === 'config' ? tinyWeights : c.path, device: 'cpu', threads: 1 });
      try {
        const result = await loaded.infer('hˈɛlO', join(modelsDir, 'v1_0', 'voices', 'af_heart.pt'), { seed: 1 });
        return audioOutcome(result.audio.length, isFinite(result.audio));
      } finally {
        await loaded.dispose();
      }
    }
    case 'text':   // the first chunk: bounded work however long the text
      return firstChunks(model.generate(c.text, { voice: 'af_heart', lang: c.lang, seed: 1 }), 1);
    case 'options': {
      const options = { ...c.options, ...(c.options.signal !== undefined ? { signal: signalOf(c.options.signal) } : {}) };
      return firstChunks(model.generate('Hello there.', { voice: 'af_heart', lang: 'a', ...options }));
    }
    case 'voice':
      return firstChunks(model.generate('Hi.', { voice: await voiceOf(c), lang: 'a', seed: 1 }));
    case 'language':
      return firstChunks(model.generate('Hi.', { voice: 'af_heart', lang: c.lang, seed: 1 }));
    default:
      throw new Error(`unknown case kind ${c.kind}`);
  }
}

for (let i = Number(firstIndex); i < cases.length; i++) {
  const c = cases[i];
  process.stdout.write(`start ${c.id}\n`);
  let outcome;
  try {
    outcome = await run(c);
  } catch (error) {
    outcome = error instanceof KokoroError && knownCodes.has(error.code)
      ? { code: error.code }
      : { bad: `untyped error: ${String(error?.stack ?? error).slice(0, 300)}` };
  }
  try {
    const check = await model.infer('hˈɛlO', 'af_heart', { seed: 1 });
    if (!(check.audio.length > 0 && isFinite(check.audio))) outcome.bad = 'model no longer serves valid audio';
  } catch (error) {
    outcome.bad = `model no longer serves: ${String(error).slice(0, 200)}`;
  }
  process.stdout.write(`end ${c.id} ${JSON.stringify(outcome)}\n`);
}
await manager.dispose();
