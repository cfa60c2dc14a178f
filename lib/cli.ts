import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { SERVICE_HELP, serviceCommands } from './commands/service.js';
import { AudioStreamWriter, WavFileWriter, type SampleFormat } from './audio/wav.js';
import { downloadModel, type DownloadProgress } from './download.js';
import { ErrorCode, KokoroError } from './errors.js';
import { LANGUAGES, resolveLanguage } from './languages.js';
import { ModelManager } from './ModelManager.js';
import { MODEL_VERSIONS, defaultModelsDir, type ModelVersion } from './paths.js';
import { createPipeline } from './pipeline.js';
import { runtimeInfo } from './runtime.js';
import { defaultPrecision, type Device, type Precision } from './KModel.js';
import { runBatchFile } from './cli/batchJob.js';
import { parseThreadsOption, type EngineOptions } from './engineOptions.js';

/** Exit codes: 0 success, 1 failure, 2 wrong usage. */
const USAGE_ERROR = 2;

const HELP: Record<string, string> = {
  main: `kokoro-native: Kokoro-82M text to speech, natively.

Usage: kokoro-native <command> [options]

Commands:
  say        speak text to a WAV file or to stdout
  voices     list the voices of a model
  phonemize  print the phonemes of a text
  batch      synthesise every line of a JSONL file, many at once (GPU jobs)
  download   fetch a model from Hugging Face into the cache
  info       versions, device, BLAS, threads, model paths
  serve      an OpenAI-compatible speech server with a playground
  worker     consume speech jobs from a BullMQ (Redis) queue
  enqueue    add the jobs of a JSONL file to such a queue

Run "kokoro-native <command> --help" for a command's options.
Typical first run:  kokoro-native download v1.0 --voices af_heart && kokoro-native say "Hello" -o hello.wav`,
  say: `Usage: kokoro-native say [TEXT] [options]

Text comes from TEXT, --file, or stdin. Audio goes to -o FILE.wav, or to stdout as a WAV stream
(or raw PCM with --raw) when stdout is not a terminal.

Options:
  -o, --output FILE     write a WAV file
  -f, --file FILE       read the text from FILE
  -v, --voice VOICE     voice name, mix (af_bella+af_sky) or .pt/.bin path (default af_heart)
  -l, --lang CODE       language: a b e f h i j p z or en-us, en-gb, es, fr, hi, it, ja, pt-br, zh (default: the voice's)
  -s, --speed N         speaking rate, 0.25 to 4 (default 1)
      --seed N          make the output reproducible
      --phonemes        TEXT is a phoneme string: speak it directly
      --format F        pcm16 (default) or float32
      --raw             raw PCM instead of WAV on stdout
      --models-dir DIR  models folder (default: KOKORO_MODELS_DIR, else the download cache)
      --model-version V v1.0 (default) or v0.19
      --device D        auto (default), cpu, cuda, cuda:N
      --threads N|adaptive  threads per inference (default on the CPU: adaptive, every core for a
                        request alone, one core per request in a crowd)
      --precision P     decoder precision: auto (default), fp32, bf16, fp16 (CUDA)`,

  batch: `Usage: kokoro-native batch INPUT.jsonl --out DIR [options]

One request per line: {"id": "a1", "text": "...", "voice": "af_heart", "lang": "a", "speed": 1}
(voice, lang and speed optional). Writes DIR/<id>.wav per line, running many lines at once so
the model's executor batches them. Resumes: ids whose file exists are skipped (files appear only
when complete). A failing line is reported on stderr and the run goes on; the exit code is 1
if any line failed. Progress (items, audio seconds, realtime factor, ETA) goes to stderr.

Options:
      --out DIR          output folder (created)
      --concurrency N    lines in flight at once (default: 4 × batch size)
      --format F         pcm16 (default) or float32
      --executors N      executor threads
      --batch-size N     most requests per forward pass (default 8)
      --batch-window-ms N  how long a request waits for company (default 0)
      --models-dir DIR, --model-version V, --device D, --threads N  as for "say"`,
  voices: `Usage: kokoro-native voices [--lang CODE] [--models-dir DIR] [--model-version V]

Lists the voices in the model's voices folder with their language and gender.`,
  phonemize: `Usage: kokoro-native phonemize TEXT [--lang CODE]

Prints the phonemes Kokoro reads for TEXT (default language: a, American English).`,
  download: `Usage: kokoro-native download [v1.0|v0.19] [--voices a,b] [--models-dir DIR] [--revision REV] [--offline]

Fetches config.json, the checkpoint and the voices (all, or those named) from hexgrad/Kokoro-82M
into the models folder, resuming partial downloads and checking sizes and sha256 sums.
HF_ENDPOINT overrides the hub address; --offline (or KOKORO_OFFLINE=1) only checks the cache.`,
  info: `Usage: kokoro-native info [--models-dir DIR]

Prints the package and libtorch versions, the device, BLAS library, threads and model paths.`,
  ...SERVICE_HELP,
};

class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: ParseArgsConfig['options']): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const MODEL_OPTIONS = {
  'models-dir': { type: 'string' }, 'model-version': { type: 'string' }, device: { type: 'string' }, threads: { type: 'string' }, precision: { type: 'string' },
} as const;

function manager(values: Record<string, unknown>, engine: EngineOptions = {}): ModelManager {
  const threads = parseThreadsOption(values.threads, (message) => new UsageError(message));
  return new ModelManager({ ...engine, modelsDir: values['models-dir'] as string | undefined, device: values.device as Device | undefined, threads,
    precision: values.precision as Precision | undefined });
}

function positiveInteger(values: Record<string, unknown>, name: string): number | undefined {
  if (values[name] === undefined) return undefined;
  const value = Number(values[name]);
  if (!(Number.isInteger(value) && value > 0)) throw new UsageError(`--${name} must be a positive integer`);
  return value;
}

async function batch(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' }, concurrency: { type: 'string' }, format: { type: 'string' }, executors: { type: 'string' },
    'batch-size': { type: 'string' }, 'batch-window-ms': { type: 'string' }, ...MODEL_OPTIONS,
  });
  if (values.help) return help('batch');
  const input = positionals[0];
  if (!input || positionals.length > 1) throw new UsageError('give one INPUT.jsonl file');
  const outDir = values.out as string | undefined;
  if (!outDir) throw new UsageError('--out DIR is required');
  const format = ((values.format as string | undefined) ?? 'pcm16') as SampleFormat;
  if (!['pcm16', 'float32'].includes(format)) throw new UsageError('--format must be pcm16 or float32');
  const maxSize = positiveInteger(values, 'batch-size') ?? 8;
  const windowMs = values['batch-window-ms'] === undefined ? undefined : Number(values['batch-window-ms']);
  if (windowMs !== undefined && !(Number.isFinite(windowMs) && windowMs >= 0)) throw new UsageError('--batch-window-ms must be a number ≥ 0');
  const models = manager(values, { executors: positiveInteger(values, 'executors'), batch: { maxSize, windowMs }, whenFull: 'wait' });
  try {
    const model = await models.getModel(modelVersion(values));
    const summary = await runBatchFile({
      model, input, outDir, format, concurrency: positiveInteger(values, 'concurrency') ?? 4 * maxSize,
      onProgress: (p) => {
        const eta = p.etaSeconds === undefined ? '?' : `${Math.ceil(p.etaSeconds)} s`;
        const line = `kokoro-native batch: ${p.done + p.skipped + p.failed}/${p.total} items (${p.skipped} skipped, ${p.failed} failed), ` +
          `${p.audioSeconds.toFixed(1)} s audio, ${p.realtimeFactor.toFixed(2)}× realtime, ETA ${eta}`;
        if (process.stderr.isTTY) progressLine(line);
        else process.stderr.write(`${line}\n`);
      },
      onFailure: (f) => {
        progressLine('');
        process.stderr.write(`kokoro-native batch: line ${f.line}${f.id ? ` (id ${f.id})` : ''} failed: ${f.message.split('\n')[0]} [${f.code}]\n`);
      },
    });
    progressLine('');
    process.stderr.write(`kokoro-native batch: ${summary.done} written, ${summary.skipped} skipped, ${summary.failed} failed, ` +
      `${summary.audioSeconds.toFixed(1)} s audio in ${summary.elapsedSeconds.toFixed(1)} s\n`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await models.dispose();
  }
}

function modelVersion(values: Record<string, unknown>): ModelVersion {
  const version = (values['model-version'] as string | undefined) ?? 'v1.0';
  if (!Object.hasOwn(MODEL_VERSIONS, version)) throw new UsageError(`unknown model version ${version} (v1.0 or v0.19)`);
  return version as ModelVersion;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function progressLine(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
}

async function say(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    output: { type: 'string', short: 'o' }, file: { type: 'string', short: 'f' }, voice: { type: 'string', short: 'v' },
    lang: { type: 'string', short: 'l' }, speed: { type: 'string', short: 's' }, seed: { type: 'string' },
    phonemes: { type: 'boolean' }, format: { type: 'string' }, raw: { type: 'boolean' }, ...MODEL_OPTIONS,
  });
  if (values.help) return help('say');
  let text = positionals.join(' ');
  if (values.file) text = await readFile(values.file as string, 'utf8').catch((e: Error) => {
    throw new KokoroError(ErrorCode.FileNotFound, `cannot read ${String(values.file)}: ${e.message}`);
  });
  else if (!text && !process.stdin.isTTY) text = await readStdin();
  if (!text.trim()) throw new UsageError('no text: give it as an argument, with --file, or on stdin');
  const voice = (values.voice as string | undefined) ?? 'af_heart';
  const lang = (values.lang as string | undefined) ?? (/^[abefhijpz][fm]_/.test(voice) ? voice[0]! : 'a');
  resolveLanguage(lang);
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  const format = ((values.format as string | undefined) ?? 'pcm16') as SampleFormat;
  if (!['pcm16', 'float32'].includes(format)) throw new UsageError('--format must be pcm16 or float32');
  const output = values.output as string | undefined;
  if (!output && process.stdout.isTTY) throw new UsageError('refusing to write audio to a terminal: use -o FILE.wav or pipe stdout');

  const models = manager(values);
  try {
    const model = await models.getModel(modelVersion(values));
    const sink = output ? await WavFileWriter.create(output, { format }) : new AudioStreamWriter(process.stdout, { format, container: values.raw ? 'raw' : 'wav' });
    let seconds = 0;
    try {
      if (values.phonemes) {
        const result = await model.infer(text.trim(), voice, { speed, seed });
        await sink.write(result.audio);
        seconds = result.audio.length / 24000;
      } else {
        for await (const chunk of model.generate(text, { voice, lang, speed, seed })) {
          await sink.write(chunk.audio);
          seconds += chunk.audio.length / 24000;
          progressLine(`kokoro-native: ${seconds.toFixed(1)} s of audio, chunk ${chunk.index + 1}`);
        }
      }
    } finally {
      if (sink instanceof WavFileWriter) await sink.close();
    }
    progressLine('');
    if (output && process.stderr.isTTY) process.stderr.write(`wrote ${output} (${seconds.toFixed(2)} s)\n`);
  } finally {
    await models.dispose();
  }
  return 0;
}

function voiceInfo(name: string): { language: string; gender: string } {
  const language = LANGUAGES.find((l) => l.code === name[0])?.name ?? 'unknown';
  const gender = name[1] === 'f' ? 'female' : name[1] === 'm' ? 'male' : 'unknown';
  return { language, gender };
}

async function voices(args: string[]): Promise<number> {
  const { values } = parse(args, { lang: { type: 'string', short: 'l' }, ...MODEL_OPTIONS });
  if (values.help) return help('voices');
  const layout = MODEL_VERSIONS[modelVersion(values)];
  const dir = join((values['models-dir'] as string | undefined) ?? defaultModelsDir(), layout.folder, 'voices');
  if (!existsSync(dir)) {
    throw new KokoroError(ErrorCode.FileNotFound, `no voices folder at ${dir}: run "kokoro-native download" first or pass --models-dir`);
  }
  const lang = values.lang ? resolveLanguage(values.lang as string).code : undefined;
  const names = readdirSync(dir).filter((f) => /\.(pt|bin)$/.test(f)).map((f) => f.replace(/\.(pt|bin)$/, '')).sort();
  for (const name of names) {
    if (lang && name[0] !== lang) continue;
    const { language, gender } = voiceInfo(name);
    process.stdout.write(`${name.padEnd(16)} ${language.padEnd(22)} ${gender}\n`);
  }
  return 0;
}

async function phonemize(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { lang: { type: 'string', short: 'l' } });
  if (values.help) return help('phonemize');
  let text = positionals.join(' ');
  if (!text && !process.stdin.isTTY) text = await readStdin();
  if (!text.trim()) throw new UsageError('no text to phonemize');
  const pipeline = await createPipeline((values.lang as string | undefined) ?? 'a');
  process.stdout.write(`${await pipeline.phonemize(text)}\n`);
  return 0;
}

async function download(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    voices: { type: 'string' }, 'models-dir': { type: 'string' }, revision: { type: 'string' }, offline: { type: 'boolean' },
  });
  if (values.help) return help('download');
  const version = (positionals[0] ?? 'v1.0') as ModelVersion;
  if (!Object.hasOwn(MODEL_VERSIONS, version)) throw new UsageError(`unknown model version ${version} (v1.0 or v0.19)`);
  const started = Date.now();
  const onProgress = (p: DownloadProgress) => {
    const width = 30;
    const done = Math.round((p.received / Math.max(1, p.total)) * width);
    const rate = p.received / Math.max(1, (Date.now() - started) / 1000) / 1e6;
    progressLine(`${p.file.padEnd(28)} [${'#'.repeat(done)}${' '.repeat(width - done)}] ${(p.received / 1e6).toFixed(1)}/${(p.total / 1e6).toFixed(1)} MB ${rate.toFixed(1)} MB/s`);
  };
  const result = await downloadModel({
    version, voices: (values.voices as string | undefined)?.split(','), modelsDir: values['models-dir'] as string | undefined,
    revision: values.revision as string | undefined, offline: values.offline as boolean | undefined, onProgress,
  });
  progressLine('');
  process.stderr.write(`kokoro-native: ${version} ready in ${result.dir} (${result.files.length} files)\n`);
  return 0;
}

async function info(args: string[]): Promise<number> {
  const { values } = parse(args, { 'models-dir': { type: 'string' } });
  if (values.help) return help('info');
  const pkg = JSON.parse(await readFile(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  const runtime = runtimeInfo();
  const modelsDir = (values['models-dir'] as string | undefined) ?? defaultModelsDir();
  const lines = [
    `kokoro-native ${pkg.version} (Node ${process.versions.node})`,
    `libtorch      ${runtime.torchVersion}`,
    `device        ${runtime.cudaAvailable ? `cuda (${runtime.cudaDeviceCount} GPU) — auto picks it` : 'cpu (no CUDA in this libtorch/machine)'}`,
    `BLAS          ${runtime.blas}${runtime.blasLibrary ? ` [${runtime.blasLibrary}]` : ''}`,
    `threads       ${runtime.defaultThreads} by default per thread; inference uses up to 8 (option threads)`,
    `precision     ${defaultPrecision()} by default (${runtime.cpuBf16 ? 'this CPU has native bf16: auto is bf16' : 'no native bf16 on this CPU: auto is fp32'})`,
    `kernels       ${runtime.onednn || 'no oneDNN'}; OpenBLAS core ${runtime.blasCoreType || '-'}`,
    `allocator     ${runtime.allocator}`,
    `fused kernels ${runtime.fusedKernels}`,
    `models dir    ${modelsDir}`,
  ];
  for (const [version, layout] of Object.entries(MODEL_VERSIONS)) {
    const dir = join(modelsDir, layout.folder);
    const present = existsSync(join(dir, layout.checkpoint)) && existsSync(join(dir, 'config.json'));
    const voiceCount = existsSync(join(dir, 'voices')) ? readdirSync(join(dir, 'voices')).filter((f) => /\.(pt|bin)$/.test(f)).length : 0;
    lines.push(`  ${version.padEnd(6)} ${present ? `ready, ${voiceCount} voices` : 'not downloaded'} (${dir})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function help(command: string): number {
  process.stdout.write(`${HELP[command] ?? HELP.main}\n`);
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  say, batch, voices, phonemize, download, info, ...serviceCommands(parse, (message) => new UsageError(message), help),
};

/** Runs the CLI; resolves to the exit code. Errors print one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') return help('main');
  if (command === '--version') {
    process.stdout.write(`${(JSON.parse(await readFile(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`kokoro-native: unknown command "${command}". Run "kokoro-native --help".\n`);
    return USAGE_ERROR;
  }
  try {
    return await run(rest);
  } catch (error) {
    progressLine('');
    if (error instanceof UsageError) {
      process.stderr.write(`kokoro-native ${command}: ${error.message}. Run "kokoro-native ${command} --help".\n`);
      return USAGE_ERROR;
    }
    const message = error instanceof KokoroError ? `${error.message.split('\n')[0]} [${error.code}]` : String((error as Error)?.message ?? error);
    process.stderr.write(`kokoro-native ${command}: ${message}\n`);
    return 1;
  }
}
