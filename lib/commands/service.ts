import type { ParseArgsConfig } from 'node:util';

import { parseThreadsOption } from '../engineOptions.js';
import type { Device } from '../KModel.js';

// The server and worker stacks (fastify, BullMQ, ioredis) load only when their command runs:
// `say` and the other commands start without them.

type Values = Record<string, string | boolean | string[] | undefined>;
type Parse = (args: string[], options: ParseArgsConfig['options']) => { values: Values; positionals: string[] };

/** The long-running commands (`serve`, `worker`) and `enqueue`, with their help texts. */
export const SERVICE_HELP: Record<string, string> = {
  serve: `Usage: kokoro-native serve [options]

An OpenAI-compatible speech server (POST /v1/audio/speech, …) with a playground at /.
SIGTERM or Ctrl-C shuts it down gracefully.

Options:
      --host HOST              listen address (default 127.0.0.1; 0.0.0.0 for every interface)
  -p, --port N                 port (default 8880)
      --api-key KEY            require "Authorization: Bearer KEY" on /v1/* (repeatable; default: KOKORO_API_KEYS, comma-separated)
      --cors ORIGIN            allow this browser origin, or * for any (repeatable; default: CORS off)
      --max-input-chars N      longest input (default 10000; longer: 413)
      --body-limit BYTES       largest request body (default 1048576; larger: 413)
      --max-concurrent N       syntheses at once (default 4)
      --max-queue N            requests waiting beyond those (default 32; more: 429 + Retry-After)
      --request-timeout MS     longest request, queueing included (default 120000)
      --shutdown-timeout MS    on SIGTERM, how long in-flight requests may finish (default 10000)
      --ffmpeg PATH            ffmpeg for mp3/opus/aac/flac (default: KOKORO_FFMPEG, else ffmpeg on the PATH)
      --no-playground          do not serve the playground page at /
      --log                    log requests (JSON lines on stdout)
      --models-dir DIR         models folder (default: KOKORO_MODELS_DIR, else the download cache)
      --device D               auto (default), cpu, cuda, cuda:N
      --threads N|adaptive     threads per inference (default on the CPU: adaptive, every core for a
                               request alone, one core per request in a crowd)`,
  worker: `Usage: kokoro-native worker --redis URL --queue NAME [options]

Consumes speech jobs {text, voice, lang, speed, format, output} from a BullMQ queue in Redis.
Retries follow each job's attempts/backoff. SIGTERM or Ctrl-C finishes running jobs and exits.

Options:
      --redis URL              redis://host:port[/db] (required)
      --queue NAME             queue name (required)
  -c, --concurrency N          jobs at once (default 1)
      --lock-duration MS       a worker silent this long is presumed dead; its job goes to another (default 30000)
      --stalled-interval MS    how often to look for jobs of dead workers (default 30000)
      --ffmpeg PATH            ffmpeg for mp3/opus/aac/flac
      --models-dir DIR, --device D, --threads N   as for "say"`,
  enqueue: `Usage: kokoro-native enqueue FILE.jsonl --redis URL --queue NAME [--attempts N] [--backoff MS]

Adds one speech job per line of FILE.jsonl ({"text": …, "voice": …, "output": …}) and prints the job ids.

Options:
      --attempts N             tries per job (default 3)
      --backoff MS             first retry delay, doubling after (default 1000)`,
};

function integer(values: Values, name: string, usage: (message: string) => Error, min = 1): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw usage(`--${name} must be an integer ≥ ${min}`);
  return value;
}

function required(values: Values, name: string, usage: (message: string) => Error): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw usage(`--${name} is required`);
  return value;
}

/** Resolves when SIGTERM or SIGINT arrives. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => { process.off('SIGTERM', on); process.off('SIGINT', on); resolve(signal); };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
}

const MODEL_OPTIONS = { 'models-dir': { type: 'string' }, device: { type: 'string' }, threads: { type: 'string' }, ffmpeg: { type: 'string' } } as const;

/** `serve`, `worker` and `enqueue`, for lib/cli.ts. */
export function serviceCommands(parse: Parse, usage: (message: string) => Error, help: (command: string) => number) {
  async function serve(args: string[]): Promise<number> {
    const { values } = parse(args, {
      host: { type: 'string' }, port: { type: 'string', short: 'p' }, 'api-key': { type: 'string', multiple: true },
      cors: { type: 'string', multiple: true }, 'max-input-chars': { type: 'string' }, 'body-limit': { type: 'string' },
      'max-concurrent': { type: 'string' }, 'max-queue': { type: 'string' }, 'request-timeout': { type: 'string' },
      'shutdown-timeout': { type: 'string' }, 'no-playground': { type: 'boolean' }, log: { type: 'boolean' }, ...MODEL_OPTIONS,
    });
    if (values.help) return help('serve');
    const cors = values.cors as string[] | undefined;
    const { createServer } = await import('../server/server.js');
    const server = createServer({
      host: values.host as string | undefined,
      port: integer(values, 'port', usage, 0),
      apiKeys: values['api-key'] as string[] | undefined,
      cors: cors === undefined ? false : cors.includes('*') ? true : cors,
      maxInputChars: integer(values, 'max-input-chars', usage),
      bodyLimitBytes: integer(values, 'body-limit', usage),
      maxConcurrent: integer(values, 'max-concurrent', usage),
      maxQueue: integer(values, 'max-queue', usage, 0),
      requestTimeoutMs: integer(values, 'request-timeout', usage),
      shutdownTimeoutMs: integer(values, 'shutdown-timeout', usage, 0),
      playground: !values['no-playground'],
      logger: !!values.log,
      ffmpegPath: values.ffmpeg as string | undefined,
      modelsDir: values['models-dir'] as string | undefined,
      device: values.device as Device | undefined,
      threads: parseThreadsOption(values.threads, usage),
    });
    const stopped = untilSignal();
    const address = await server.listen();
    process.stderr.write(`kokoro-native: listening on ${address} (playground at ${address}/), loading the model…\n`);
    await Promise.race([server.whenReady().then(() => process.stderr.write('kokoro-native: model loaded, ready\n')), stopped]);
    const signal = await stopped;
    process.stderr.write(`kokoro-native: ${signal}: shutting down (in-flight requests get ${server.options.shutdownTimeoutMs} ms)\n`);
    await server.close();
    return 0;
  }

  async function worker(args: string[]): Promise<number> {
    const { values } = parse(args, {
      redis: { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string', short: 'c' },
      'lock-duration': { type: 'string' }, 'stalled-interval': { type: 'string' }, ...MODEL_OPTIONS,
    });
    if (values.help) return help('worker');
    const { createWorker } = await import('../worker/worker.js');
    const running = createWorker({
      redis: required(values, 'redis', usage), queue: required(values, 'queue', usage),
      concurrency: integer(values, 'concurrency', usage),
      lockDurationMs: integer(values, 'lock-duration', usage), stalledIntervalMs: integer(values, 'stalled-interval', usage),
      ffmpegPath: values.ffmpeg as string | undefined, modelsDir: values['models-dir'] as string | undefined,
      device: values.device as Device | undefined, threads: parseThreadsOption(values.threads, usage),
    });
    running.worker.on('completed', (job) => process.stderr.write(`kokoro-native worker: job ${job.id} done\n`));
    running.worker.on('failed', (job, error) => process.stderr.write(`kokoro-native worker: job ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}\n`));
    running.worker.on('error', (error) => process.stderr.write(`kokoro-native worker: ${error.message}\n`));
    await running.loadModel();
    process.stderr.write(`kokoro-native worker: model loaded, consuming queue ${String(values.queue)}\n`);
    const signal = await untilSignal();
    process.stderr.write(`kokoro-native worker: ${signal}: finishing running jobs\n`);
    await running.close();
    return 0;
  }

  async function enqueue(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      redis: { type: 'string' }, queue: { type: 'string' }, attempts: { type: 'string' }, backoff: { type: 'string' },
    });
    if (values.help) return help('enqueue');
    if (positionals.length !== 1) throw usage('give one JSONL file');
    const { SpeechProducer } = await import('../worker/producer.js');
    const producer = new SpeechProducer({
      redis: required(values, 'redis', usage), queue: required(values, 'queue', usage),
      attempts: integer(values, 'attempts', usage), backoffMs: integer(values, 'backoff', usage, 0),
    });
    try {
      const ids = await producer.addJsonl(positionals[0]!);
      process.stdout.write(ids.map((id) => `${id}\n`).join(''));
    } finally {
      await producer.close();
    }
    return 0;
  }

  return { serve, worker, enqueue };
}
