#!/usr/bin/env node
// `npm run test:sanitize`: builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer
// into build-sanitize/ (cmake -DKOKORO_SANITIZE=address,undefined), then runs the native-facing
// test files (test/sanitize/suite.mjs) and the whole fuzz corpus against it (KOKORO_NATIVE_ADDON
// points the package at it). node, libtorch and espeak are not instrumented: the sanitizer
// runtime is LD_PRELOADed. Every process writes its sanitizer report to .test-artifacts/sanitize/
// logs/; the run fails on any sanitizer error and on any leak through our code
// (test/sanitize/reports.mjs). Ends with the line "N passed, N failed, N skipped".
//   node test/sanitize/run.mjs [test files...]   (named files: only those, and no fuzz corpus)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readSanitizerLogs } from './reports.mjs';
import { nativeFacingFiles } from './suite.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const out = join(root, 'build-sanitize');
const reports = join(root, '.test-artifacts', 'sanitize');
const logs = join(reports, 'logs');
rmSync(reports, { recursive: true, force: true });
mkdirSync(logs, { recursive: true });

function run(command, args, env = process.env) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
}

function runtimeLibrary(name) {
  const found = spawnSync('g++', [`-print-file-name=${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found || !existsSync(found)) throw new Error(`${name} not found (apt-get install g++ provides it)`);
  return found;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const started = Date.now();
const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
const built = run(process.execPath, [cmakeJs, 'compile', '--out', join(out, 'cmake'), '--CDKOKORO_SANITIZE=address,undefined']);
const addon = join(out, 'cmake', 'Release', 'kokoro_native.node');
if (built.status !== 0 || !existsSync(addon)) {
  console.log('\n0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
console.log(`sanitizer build: ${Math.round((Date.now() - started) / 1000)} s`);
if (run('npx', ['tsc', '-p', 'tsconfig.json']).status !== 0) totals.failed += 1;

const env = {
  ...process.env,
  KOKORO_NATIVE_ADDON: addon,
  // node is not instrumented, so the runtime must come first in the library list. Child
  // processes inherit it: the node ones load the instrumented addon; python, redis-server,
  // ffmpeg and chromium run with ASan's allocator and leak check but report nothing of ours.
  LD_PRELOAD: [runtimeLibrary('libasan.so'), runtimeLibrary('libubsan.so')].join(' '),
  // log_path: every process (there are hundreds) writes its report to its own file, read at the
  //   end; a child's stderr stays what its test expects.
  // exitcode=0: a leak report alone does not change an exit status (every foreign child and
  //   node itself leak process-lifetime memory at exit); leaks are judged from the logs.
  // abort_on_error=1: a memory error still kills the process at once (SIGABRT), so the test or
  //   fuzz case in flight fails as a crash; the log names it too.
  // allow_user_segv_handler=1: V8 installs its own SIGSEGV handler (WebAssembly trap handling)
  //   and must keep it.
  // allocator_may_return_null=1: an exhausted allocation must fail as it does without ASan (the
  //   exhaustion tests expect a typed error, not ASan's report).
  ASAN_OPTIONS: `log_path=${join(logs, 'asan')}:detect_leaks=1:exitcode=0:abort_on_error=1:allow_user_segv_handler=1:allocator_may_return_null=1`,
  LSAN_OPTIONS: `suppressions=${join(here, 'lsan.supp')}:print_suppressions=0`,
  UBSAN_OPTIONS: `log_path=${join(logs, 'ubsan')}:print_stacktrace=1:halt_on_error=1:abort_on_error=1:suppressions=${join(here, 'ubsan.supp')}`,
};

const named = process.argv.slice(2);
const files = named.length ? named : nativeFacingFiles(root);
const json = join(reports, 'vitest.json');
// Five times the usual per-test limit: instrumented code under a preloaded allocator runs slower,
// and a test's time is not what this run checks (a hang still ends in a failure).
run('npx', ['vitest', 'run', '--config', 'test/vitest.config.mjs', '--testTimeout=600000', '--reporter=default',
  '--reporter=json', `--outputFile=${json}`, ...files], env);
if (existsSync(json)) {
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const brokenFiles = (report.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).length).length;
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests + brokenFiles;
  totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  console.log(`sanitizer run: ${files.length} test files, ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
} else {
  totals.failed += 1;
}

// The whole fuzz corpus, each case one test, in one child per core.
if (named.length) {
  console.log('fuzz corpus not run (test files named)');
} else {
  const tallyPath = join(reports, 'fuzz.json');
  run(process.execPath, [join(root, 'test', 'fuzz', 'runCases.mjs'), '--full', '--workers', String(Math.max(1, cpus().length)),
    '--json', tallyPath], env);
  if (existsSync(tallyPath)) {
    const tally = JSON.parse(readFileSync(tallyPath, 'utf8'));
    const failed = tally.crashes.length + tally.hangs.length + tally.bad.length + tally.internal.length;
    totals.failed += failed;
    totals.passed += tally.cases - failed;
    console.log(`fuzz corpus: ${tally.cases} cases, ${tally.audio} audio, errors ${JSON.stringify(tally.errors)}, ${failed} failed`);
  } else {
    totals.failed += 1;
  }
}

const { findings, foreignLeaks, incompleteLeakChecks, logs: logCount } = readSanitizerLogs(logs);
console.log(`\nsanitizer logs: ${logCount} processes, ${findings.length} findings in our code, ${foreignLeaks} leaks outside it (not ours, not failed)`);
if (incompleteLeakChecks.length) {
  console.log(`leak check incomplete in ${incompleteLeakChecks.length} process(es): LeakSanitizer's tracer crashed at exit (${incompleteLeakChecks.join(', ')}; no error report, not failed)`);
}
for (const finding of findings) console.log(`  ${finding}`);
totals.failed += findings.length;

console.log(`sanitizer run took ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
