#!/usr/bin/env node
// Builds the native addon from CMakeLists.txt with cmake-js and places it where the loader and
// node-gyp-build look (build/Release/kokoro_native.node). `npm run build:native`, binding.gyp
// (node-gyp's fallback) and the prebuildify shim all come through here: one build.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build', 'cmake');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
const args = [cmakeJs, 'compile', '--out', out, ...process.argv.slice(2)];
if (process.env.LIBTORCH) args.push(`--CDLIBTORCH=${process.env.LIBTORCH}`);
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('\nkokoro-native: the native build failed. It needs cmake, g++ and libtorch ' +
    '(Debian/Ubuntu: sudo apt-get install cmake g++ libtorch-dev); see the README, "Building from source".');
  process.exit(result.status ?? 1);
}
const built = ['Release', 'Debug', '.'].map((d) => path.join(out, d, 'kokoro_native.node')).find(fs.existsSync);
if (!built) {
  console.error(`kokoro-native: cmake-js finished but no kokoro_native.node was found under ${out}`);
  process.exit(1);
}
const target = path.join(root, 'build', 'Release', 'kokoro_native.node');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(built, target);
console.log(`kokoro-native: built ${path.relative(root, target)}`);
