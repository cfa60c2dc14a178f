import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runtimeInfo } from '../../lib/index.js';

const root = join(__dirname, '..', '..');

/** A prebuilt binary older than the addon just built would test yesterday's code: rebuild it. */
function prebuiltIsStale(prebuilds: string): boolean {
  const binaries = existsSync(prebuilds) ? readdirSync(prebuilds).filter((f) => f.endsWith('.node')) : [];
  if (binaries.length === 0) return true;
  // cmake-js's own output: prebuildify moves build/Release's copy away, this one stays.
  const built = join(root, 'build', 'cmake', 'Release', 'kokoro_native.node');
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  return binaries.some((f) => statSync(join(prebuilds, f)).mtimeMs < builtAt);
}

describe('the npm package', () => {
  it('installs from the packed tarball and loads its prebuilt binary without a compiler', () => {
    const prebuilds = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    if (prebuiltIsStale(prebuilds)) execFileSync('npm', ['run', 'prebuildify'], { cwd: root, stdio: 'pipe' });
    expect(readdirSync(prebuilds).some((f) => f.endsWith('.node'))).toBe(true);
    const out = mkdtempSync(join(tmpdir(), 'kokoro-pack-'));
    const tarball = execFileSync('npm', ['pack', '--pack-destination', out, '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
      .trim().split('\n').pop()!;
    const project = join(out, 'project');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    // No compiler or CMake on PATH: the install must not need one.
    const bin = mkdtempSync(join(tmpdir(), 'kokoro-nocc-'));
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'cmake', 'make']) {
      writeFileSync(join(bin, tool), '#!/bin/sh\necho "compiler called" >&2\nexit 1\n', { mode: 0o755 });
    }
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(out, tarball)],
      { cwd: project, env, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toContain('compiler called');
    const installed = join(project, 'node_modules', 'kokoro-native');
    expect(existsSync(join(installed, 'build'))).toBe(false);
    const probe = spawnSync(process.execPath, ['-e',
      "const k = require('kokoro-native'); const i = k.runtimeInfo(); console.log(JSON.stringify(i))"], { cwd: project, encoding: 'utf8' });
    expect(probe.status, probe.stderr).toBe(0);
    // The packed prebuilt is this build: it reports the libtorch it was compiled against.
    expect(JSON.parse(probe.stdout).torchVersion).toBe(runtimeInfo().torchVersion);
  }, 300_000);

  it('explains a native library that cannot be loaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-fake-'));
    writeFileSync(join(dir, 'stub.c'), 'int kokoro_stub;\n');
    // A versioned soname, as Debian's libtorch has (libtorch_cpu.so.2.6).
    execFileSync('cc', ['-shared', '-fPIC', 'stub.c', '-Wl,-soname,libtorch_gone.so.2.6', '-o', 'libtorch_gone.so.2.6'], { cwd: dir });
    // --no-as-needed: keep the dependency although nothing uses it.
    execFileSync('cc', ['-shared', '-fPIC', 'stub.c', '-Wl,--no-as-needed', '-L.', '-l:libtorch_gone.so.2.6', '-o', 'fake.node'], { cwd: dir });
    execFileSync('rm', [join(dir, 'libtorch_gone.so.2.6')]);
    const probe = spawnSync(process.execPath, ['-e', `
      try { require(${JSON.stringify(join(root, 'dist', 'native', 'loadBinding.js'))}).loadBinding(); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`],
    { env: { ...process.env, KOKORO_NATIVE_ADDON: join(dir, 'fake.node') }, encoding: 'utf8' });
    const error = JSON.parse(probe.stdout) as { code: string; message: string };
    expect(error.code).toBe('KOKORO_NATIVE_LOAD_FAILED');
    expect(error.message).toContain('libtorch_gone.so.2.6');
    expect(error.message).toContain('apt-get install libtorch2.6');
    expect(error.message).toContain('LIBTORCH=');
  });
});
