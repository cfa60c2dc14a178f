// Which test files the sanitizer run (test/sanitize/run.mjs) takes: every vitest file that
// reaches the native addon, directly or through the node child processes it starts. That is
// all of them except the files below, each listed with why it is left out.
// A new test file is sanitized unless it is added here.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const NOT_NATIVE_FACING = {
  // Pure TypeScript: never loads the addon (checked by running them with KOKORO_NATIVE_ADDON
  // pointing at a missing file).
  'test/unit/languages.test.ts': 'pure TypeScript',
  'test/unit/serverPieces.test.ts': 'pure TypeScript',
  'test/unit/wav.test.ts': 'pure TypeScript',
  'test/unit/sanitizerReports.test.ts': 'pure JavaScript (reads sanitizer logs)',
  'test/cli/download.test.ts': 'pure TypeScript (HTTP download into the models folder)',
  // The sanitizer run takes the whole corpus (runCases.mjs --full), of which this is a subset.
  'test/fuzz/fuzz.test.ts': 'every 8th fuzz case; the sanitizer run takes all of them',
  // Chromium hangs at start with the ASan runtime preloaded (`chromium --headless --dump-dom`
  // prints nothing in 60 s; the test's launch fails after minutes);
  // the speech server it drives is covered by test/server/server.test.ts in this run.
  'test/server/playground.test.ts': 'drives the playground page in Chromium, which hangs under the preload',
  // Load a fixed, uninstrumented binary by path, on purpose.
  'test/cli/package.test.ts': 'installs the packed tarball and loads its prebuilt (plain) binary',
  'test/unit/allocator.test.ts': "probes glibc malloc tuning of build/Release; ASan replaces glibc's malloc",
};

/** The native-facing test files, relative to `root`, sorted. */
export function nativeFacingFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) files.push(relative(root, path));
    }
  };
  walk(join(root, 'test'));
  return files.filter((f) => !(f in NOT_NATIVE_FACING)).sort();
}
