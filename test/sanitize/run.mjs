#!/usr/bin/env node
// `npm run test:sanitize`: builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer
// into build-sanitize/ (cmake -DKOKORO_SANITIZE=address,undefined), then runs the native-facing
// test files and the whole fuzz corpus against it (KOKORO_NATIVE_ADDON points the package at
// it). node, libtorch and espeak are not instrumented: the sanitizer runtime is LD_PRELOADed,
// leaks are checked for everything with the suppressions in test/sanitize/lsan.supp.
// Ends with the line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const out = join(root, 'build-sanitize');
const reports = join(root, '.test-artifacts', 'sanitize');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

// The files whose tests reach native code (directly or through child processes).
export const NATIVE_FACING = [
  'test/native', 'test/model/errors.test.ts', 'test/model/concurrency.test.ts',
  'test/speech/stream.test.ts', 'test/speech/lifecycle.test.ts',
];

function run(command, args, env = process.env) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
}

function runtimeLibrary(name) {
  const found = spawnSync('g++', [`-print-file-name=${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found || !existsSync(found)) throw new Error(`${name} not found (apt-get install g++ provides it)`);
  return found;
}

const totals = { passed: 0, failed: 0 };
const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
const built = run(process.execPath, [cmakeJs, 'compile', '--out', join(out, 'cmake'), '--CDKOKORO_SANITIZE=address,undefined']);
const addon = join(out, 'cmake', 'Release', 'kokoro_native.node');
if (built.status !== 0 || !existsSync(addon)) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
if (run('npx', ['tsc', '-p', 'tsconfig.json']).status !== 0) totals.failed += 1;

const env = {
  ...process.env,
  KOKORO_NATIVE_ADDON: addon,
  LD_PRELOAD: [runtimeLibrary('libasan.so'), runtimeLibrary('libubsan.so')].join(' '),
  // V8 handles some SIGSEGVs itself (guard pages); ASan must let it. The ODR check trips over
  // libtorch's duplicated registries, which are not ours.
  // allocator_may_return_null: an exhausted allocation must fail as it does without ASan (the
  // exhaustion tests expect a typed error, not ASan's abort).
  ASAN_OPTIONS: 'detect_leaks=1:allow_user_segv_handler=1:detect_odr_violation=0:alloc_dealloc_mismatch=0:allocator_may_return_null=1:exitcode=66',
  LSAN_OPTIONS: `suppressions=${join(here, 'lsan.supp')}:print_suppressions=0`,
  UBSAN_OPTIONS: `print_stacktrace=1:halt_on_error=1:suppressions=${join(here, 'ubsan.supp')}`,
  // Child processes the tests spawn inherit all of the above.
};

const json = join(reports, 'vitest.json');
run('npx', ['vitest', 'run', '--config', 'test/vitest.config.mjs', '--reporter=default', '--reporter=json',
  `--outputFile=${json}`, ...NATIVE_FACING], env);
if (existsSync(json)) {
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const brokenFiles = (report.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).length).length;
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests + brokenFiles;
} else {
  totals.failed += 1;
}

// The whole fuzz corpus: each case is one test.
const tallyPath = join(reports, 'fuzz.json');
run(process.execPath, [join(root, 'test', 'fuzz', 'runCases.mjs'), '--full', '--json', tallyPath], env);
if (existsSync(tallyPath)) {
  const tally = JSON.parse(readFileSync(tallyPath, 'utf8'));
  const failed = tally.crashes.length + tally.hangs.length + tally.bad.length;
  totals.failed += failed;
  totals.passed += tally.cases - failed;
} else {
  totals.failed += 1;
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
