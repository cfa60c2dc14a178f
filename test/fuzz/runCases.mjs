#!/usr/bin/env node
// Generates the fuzz corpus into a temporary folder and runs it against the public API in child
// processes (test/fuzz/caseWorker.mjs). A case that kills its child is a crash, one that runs
// past the time limit a hang; the next child resumes after it. Prints the tally.
//
//   node test/fuzz/runCases.mjs [--full | --every N] [--only REGEX] [--workers N] [--json out.json]
// The default is the fast subset (every 8th case) run by `npm test`; `--full` runs all of them
// (the sanitizer run does); `--only` keeps the cases whose name matches (to reproduce one).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { generateCorpus } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CASE_TIMEOUT_MS = Number(process.env.KOKORO_FUZZ_CASE_TIMEOUT_MS ?? 120_000);

function runWorker(casesPath, first, context, onStart, onEnd) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(here, 'caseWorker.mjs'), casesPath, String(first), context.modelsDir,
      context.tinyConfig, context.tinyWeights, join(root, 'dist')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let timer;
    let hung = false;
    let stderr = '';
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, CASE_TIMEOUT_MS);
    };
    arm();
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [word, id, ...rest] = line.split(' ');
      if (word === 'start') { arm(); onStart(Number(id)); }
      if (word === 'end') onEnd(Number(id), JSON.parse(rest.join(' ')));
    });
    child.on('exit', (code, signal) => { clearTimeout(timer); done({ code, signal, hung, stderr }); });
  });
}

/** Runs `cases` (written to `casesPath`) in one child after another, adding outcomes to `tally`. */
async function runShard(casesPath, cases, context, tally) {
  let next = 0;
  while (next < cases.length) {
    let current = -1;
    const finished = new Set();
    const result = await runWorker(casesPath, next, context, (id) => { current = id; }, (id, outcome) => {
      finished.add(id);
      const c = cases.find((x) => x.id === id);
      if (outcome.bad) tally.bad.push(`${c.name}: ${outcome.bad}`);
      if (outcome.code) tally.errors[outcome.code] = (tally.errors[outcome.code] ?? 0) + 1;
      if (outcome.code === 'KOKORO_INTERNAL') tally.internal.push(c.name);
      else if (outcome.audio !== undefined) tally.audio += 1;
    });
    const index = cases.findIndex((c) => c.id === current);
    if (result.code === 0 && !result.hung && (index < 0 || finished.has(current))) break;
    if (index < 0) throw new Error(`the fuzz worker failed before its first case:\n${result.stderr}`);
    if (!finished.has(current)) {
      const what = `${cases[index].name}${result.signal ? ` (${result.signal})` : ''}: ${result.stderr.slice(-600)}`;
      (result.hung ? tally.hangs : tally.crashes).push(what);
    }
    next = index + 1;
  }
}

/** Runs the corpus (every `every`-th case, in `workers` parallel children) and returns the tally. */
export async function runCorpus({ every = 8, only, workers = 1, tinyConfig, tinyWeights, voicesDir }) {
  const scratch = mkdtempSync(join(tmpdir(), 'kokoro-fuzz-'));
  try {
    const modelsDir = join(scratch, 'models');
    mkdirSync(join(modelsDir, 'v1_0'), { recursive: true });
    copyFileSync(tinyConfig, join(modelsDir, 'v1_0', 'config.json'));
    symlinkSync(tinyWeights, join(modelsDir, 'v1_0', 'kokoro-v1_0.pth'));
    symlinkSync(voicesDir, join(modelsDir, 'v1_0', 'voices'));
    mkdirSync(join(scratch, 'corpus'));
    const all = generateCorpus(join(scratch, 'corpus'), { tinyConfig, tinyWeights });
    const cases = all.filter((c) => c.id % every === 0 && (!only || only.test(c.name)));
    const tally = { generated: all.length, cases: cases.length, audio: 0, errors: {}, crashes: [], hangs: [], bad: [], internal: [] };
    const context = { modelsDir, tinyConfig, tinyWeights };
    // Shards interleave the cases (case i to shard i % workers), so slow families spread out.
    const shards = Array.from({ length: Math.min(workers, cases.length) }, (_, k) => cases.filter((_, i) => i % workers === k));
    await Promise.all(shards.map((shard, k) => {
      const shardPath = join(scratch, `cases-${k}.json`);
      // NaN and the infinities survive the trip to the worker as {"$number": "NaN"}.
      writeFileSync(shardPath, JSON.stringify(shard, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v)));
      return runShard(shardPath, shard, context, tally);
    }));
    return tally;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const everyAt = args.indexOf('--every');
  const every = args.includes('--full') ? 1 : everyAt >= 0 ? Number(args[everyAt + 1]) : 8;
  if (!Number.isInteger(every) || every < 1) throw new Error('--every takes a whole number >= 1');
  const workersAt = args.indexOf('--workers');
  const workers = workersAt >= 0 ? Number(args[workersAt + 1]) : 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers takes a whole number >= 1');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new RegExp(args[onlyAt + 1]) : undefined;
  const { sharedDir } = await import('../helpers/environment.mjs');
  const fixture = join(sharedDir, 'fixtures', 'kokoro-tiny');
  const tally = await runCorpus({ every, only, workers, tinyConfig: join(fixture, 'config.json'), tinyWeights: join(fixture, 'model.pth'),
    voicesDir: join(sharedDir, 'kokoro-v1_0', 'voices') });
  const jsonAt = args.indexOf('--json');
  if (jsonAt >= 0) writeFileSync(args[jsonAt + 1], JSON.stringify(tally, null, 2));
  console.log(JSON.stringify(tally, null, 2));
  process.exit(tally.crashes.length + tally.hangs.length + tally.bad.length === 0 ? 0 : 1);
}
