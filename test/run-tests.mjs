#!/usr/bin/env node
// The test command (`npm test`): the Python exporter's tests (pytest) and the package's tests
// (vitest), then one closing line "N passed, N failed, N skipped" over both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureFullModel, findPythonWithTorch } from './helpers/environment.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.test-artifacts', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(command, args, env = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
}

if (!existsSync(join(root, 'build', 'Release', 'kokoro_native.node'))) {
  if (run('npm', ['run', 'build:native']).status !== 0) totals.failed += 1;
}
// The CLI and package tests run the compiled JavaScript: keep dist/ in step with lib/.
if (run('npx', ['tsc', '-p', 'tsconfig.json']).status !== 0) totals.failed += 1;

const python = findPythonWithTorch();
if (!python) {
  console.log('\nSkipping the Python exporter tests: no python3 with torch (Debian: apt-get install python3-torch python3-pytest).');
} else {
  const xml = join(reports, 'pytest.xml');
  run(python, ['-m', 'pytest', '-q', 'models/tests', `--junitxml=${xml}`]);
  if (existsSync(xml)) {
    const head = readFileSync(xml, 'utf8').match(/<testsuite [^>]*>/)?.[0] ?? '';
    const count = (name) => Number(head.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
    const failed = count('failures') + count('errors');
    totals.failed += failed;
    totals.skipped += count('skipped');
    totals.passed += count('tests') - failed - count('skipped');
  } else {
    totals.failed += 1;
  }
  // A full-size random model (real config.json, random weights) for the tests that need one.
  ensureFullModel();
}

const json = join(reports, 'vitest.json');
run('npx', ['vitest', 'run', '--config', 'test/vitest.config.mjs', '--reporter=default', '--reporter=json', `--outputFile=${json}`]);
if (existsSync(json)) {
  const report = JSON.parse(readFileSync(json, 'utf8'));
  totals.passed += report.numPassedTests;
  // A file that fails before running its tests (an import error) counts as one failure.
  const brokenFiles = (report.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).length).length;
  totals.failed += report.numFailedTests + brokenFiles;
  totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
} else {
  totals.failed += 1;
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
