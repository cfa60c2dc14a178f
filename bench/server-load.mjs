#!/usr/bin/env node
// Load on the speech server: 1, 4 and 16 concurrent clients (the official openai client), each
// sending --requests speech requests one after another; p50/p95 time to first byte, audio
// seconds per wall second, errors, and the server's peak RSS. The server runs in its own process
// (`kokoro-native serve`) with the full-size random model. The reference, measured in the same
// run and alternated with it level by level, is the library called in-process by the same number
// of concurrent callers (model.generate, no HTTP, no encoding): the ratio is what serving costs.
//
//   node bench/server-load.mjs [--clients 1,4,16] [--requests 2] [--format pcm] [--threads 1]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import OpenAI from 'openai';

import { ModelManager, runtimeInfo } from '../dist/index.js';
import { ensureFullModel, repoRoot, sharedDir, makeBenchModelsDir } from '../test/helpers/environment.mjs';

const { values } = parseArgs({ options: {
  clients: { type: 'string', default: '1,4,16' }, requests: { type: 'string', default: '2' },
  format: { type: 'string', default: 'pcm' }, threads: { type: 'string', default: '1' },
} });
const levels = values.clients.split(',').map(Number);
const requests = Number(values.requests);
const weights = ensureFullModel();
if (!weights) throw new Error('needs ../shared and python3 with torch to make the full-size random checkpoint');
const modelsDir = makeBenchModelsDir(join(sharedDir, 'kokoro-v1_0', 'config.json'), weights);

// Two sentences, ~5 s of audio: a typical assistant reply.
const TEXT = 'The package you ordered left our warehouse this morning. It should reach you by Thursday afternoon.';
const maxClients = Math.max(...levels);

const server = spawn(process.execPath, [join(repoRoot, 'bin', 'kokoro-native.js'), 'serve', '--port', '0', '--models-dir', modelsDir,
  '--threads', values.threads, '--max-concurrent', String(maxClients), '--max-queue', String(4 * maxClients),
  // A loaded machine can take minutes per request: the bench measures speed, not the deadline.
  '--request-timeout', '3600000'], { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let log = '';
  let address;
  server.stderr.on('data', (d) => {
    log += d;
    address ??= /listening on (\S+)/.exec(log)?.[1];
    if (address && log.includes('ready')) resolve(address);
  });
  server.once('exit', () => reject(new Error(`server exited: ${log}`)));
});
const peakRss = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) * 1024;

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

/** `clients` concurrent callers, each making `requests` calls of `speakOnce` (→ audio seconds; calls `firstByte` once). */
async function load(clients, speakOnce) {
  const ttfb = [];
  let audio = 0;
  let errors = 0;
  const began = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let r = 0; r < requests; r++) {
      const sent = performance.now();
      try {
        // Awaited first: `audio += await …` would read `audio` before the await and lose the other callers' sums.
        const seconds = await speakOnce(() => ttfb.push((performance.now() - sent) / 1000));
        audio += seconds;
      } catch {
        errors++;
      }
    }
  }));
  return { ttfb, wall: (performance.now() - began) / 1000, audio, errors };
}

const openai = new OpenAI({ apiKey: 'bench', baseURL: `${url}/v1`, maxRetries: 0 });
const overHttp = (clients) => load(clients, async (firstByte) => {
  const response = await openai.audio.speech.create({ model: 'kokoro', voice: 'af_heart', input: TEXT, response_format: values.format });
  let bytes = 0;
  for await (const part of response.body) {
    if (bytes === 0) firstByte();
    bytes += part.length;
  }
  return values.format === 'pcm' ? bytes / 48000 : 0;
});

const manager = new ModelManager({ modelsDir, device: 'cpu', threads: Number(values.threads) });
const model = await manager.getModel('v1.0');
const inProcess = (clients) => load(clients, async (firstByte) => {
  let audio = 0;
  for await (const chunk of model.generate(TEXT, { voice: 'af_heart', lang: 'a' })) {
    if (audio === 0) firstByte();
    audio += chunk.audio.length / 24000;
  }
  return audio;
});

const info = runtimeInfo();
console.log(`server-load: ${cpus().length} CPUs (${cpus()[0]?.model}), ${info.blas}, ${values.threads} thread(s) per inference, format ${values.format}, ${requests} request(s) per client`);
console.log('| clients | side | requests | errors | TTFB p50 | TTFB p95 | audio s / wall s | wall s |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const fmt = (side, clients, r) => `| ${clients} | ${side} | ${clients * requests} | ${r.errors} | ${percentile(r.ttfb, 0.5).toFixed(2)} s | ${percentile(r.ttfb, 0.95).toFixed(2)} s | ${(r.audio / r.wall).toFixed(2)} | ${r.wall.toFixed(1)} |`;
const ratios = [];
for (const [i, clients] of levels.entries()) {
  // Alternate which side goes first, level by level, so drift on a shared machine hits both.
  const order = i % 2 === 0 ? ['server', 'library'] : ['library', 'server'];
  const results = {};
  for (const side of order) results[side] = side === 'server' ? await overHttp(clients) : await inProcess(clients);
  for (const side of order) console.log(fmt(side === 'server' ? 'server (HTTP)' : 'library (in-process)', clients, results[side]));
  ratios.push(`${clients} clients: server/library throughput ${((results.server.audio / results.server.wall) / (results.library.audio / results.library.wall)).toFixed(2)}, TTFB p50 ${(percentile(results.server.ttfb, 0.5) / percentile(results.library.ttfb, 0.5)).toFixed(2)}×`);
}
console.log(ratios.join('\n'));
console.log(`server peak RSS ${(peakRss() / 1e9).toFixed(2)} GB; bench process (library reference) peak RSS ${(process.resourceUsage().maxRSS / 1e6).toFixed(2)} GB`);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await manager.dispose();
