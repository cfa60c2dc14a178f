import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

import { ErrorCode, KokoroError } from '../errors.js';
import { nativeAddonOverride } from '../paths.js';
import type { NativeBinding } from './binding.js';

/** Root of the installed package (holds package.json, build/, prebuilds/, models/). */
export const packageRoot = join(__dirname, '..', '..');

let cached: NativeBinding | undefined;

function explain(failures: string[]): string {
  const all = failures.join('\n');
  const lines = ['kokoro-native could not load its native addon.', ...failures.map((f) => `  - ${f}`)];
  const missing = /lib(torch|c10)[^:\s]*\.so[^:\s]*: cannot open shared object file/.exec(all);
  const tips = ['Possible solutions:'];
  if (missing) {
    // Debian names the library package after the soname's version (libtorch_cpu.so.2.6: libtorch2.6).
    const version = /\.so\.(\d+\.\d+)/.exec(missing[0])?.[1];
    const debianPackage = version ? `libtorch${version}` : 'libtorch2.6 (Debian 13) or libtorch1.13 (Debian 12)';
    tips.push(
      `  - libtorch is missing (${missing[0].split(':')[0]}). On Debian/Ubuntu: sudo apt-get install ${debianPackage} (or libtorch-dev to build from source).`,
      '  - To use another libtorch (a CUDA build, or the one inside a Python torch install), rebuild against it:',
      "      LIBTORCH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))') npm rebuild kokoro-native",
      '    and make its lib/ folder findable (LD_LIBRARY_PATH) if it is not where it was at build time.',
    );
  }
  if (/libespeak-ng/.test(all)) tips.push('  - libespeak-ng is missing. On Debian/Ubuntu: sudo apt-get install libespeak-ng1');
  if (/undefined symbol/.test(all)) {
    tips.push('  - The addon was built against a different libtorch than the one found now. Rebuild: npm rebuild kokoro-native');
  }
  if (/No native build was found|Cannot find module/.test(all)) {
    tips.push('  - No prebuilt binary fits this platform. Build from source: sudo apt-get install cmake g++ libtorch-dev && npm rebuild kokoro-native');
  }
  return [...lines, ...tips].join('\n');
}

/**
 * process.exit() (and the end of the main script) runs the C++ static destructors of libtorch
 * and oneDNN while the model's executor threads may be in the middle of a pass, which crashes
 * the process; Node runs no addon cleanup hook first. 'exit' listeners do run first: stop the
 * executors there (each finishes its current pass, queued requests are failed). Workers need
 * nothing: their teardown runs the addon's cleanup hooks, and a process-wide stop from a worker
 * would stop the main thread's models.
 */
function adopt(binding: NativeBinding): NativeBinding {
  if (isMainThread) process.once('exit', () => binding.stopForExit());
  return binding;
}

/**
 * Loads the addon: a local build (build/Release) first, then prebuilds through node-gyp-build.
 * Collects every failure so the message explains what is missing and how to fix it.
 */
export function loadBinding(): NativeBinding {
  if (cached) return cached;
  const require = createRequire(join(packageRoot, 'package.json'));
  const failures: string[] = [];
  const override = nativeAddonOverride();
  const candidates = override ? [override] : [join(packageRoot, 'build', 'Release', 'kokoro_native.node')];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) {
      if (override) failures.push(`${candidate}: file not found (from KOKORO_NATIVE_ADDON)`);
      continue;
    }
    try {
      cached = adopt(require(candidate) as NativeBinding);
      return cached;
    } catch (error) {
      failures.push(`${candidate}: ${(error as Error).message}`);
    }
  }
  if (!override) {
    try {
      const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
      cached = adopt(nodeGypBuild(packageRoot) as NativeBinding);
      return cached;
    } catch (error) {
      failures.push(`prebuilds in ${join(packageRoot, 'prebuilds')}: ${(error as Error).message}`);
    }
  }
  throw new KokoroError(ErrorCode.NativeLoadFailed, explain(failures));
}

/** Folder of the package's shipped TorchScript architectures. */
export const architectureDir = join(packageRoot, 'models', 'arch');
