import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// @ts-expect-error plain JS helper of the sanitizer run
import { readSanitizerLogs } from '../sanitize/reports.mjs';

const leakReport = `
=================================================================
==4242==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 64 byte(s) in 1 object(s) allocated from:
    #0 0x7f00 in operator new(unsigned long) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:95
    #1 0x7f01 in kokoro::VoiceLibrary::load(std::string const&) /src/kokoro-native/native/core/VoiceLibrary.cc:41
    #2 0x5500 in node::Start(int, char**) (/usr/bin/node+0x12345)

Direct leak of 4096 byte(s) in 2 object(s) allocated from:
    #0 0x7f00 in malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69
    #1 0x5501 in v8::internal::Isolate::Init (/usr/bin/node+0x22222)

Indirect leak of 32 byte(s) in 1 object(s) allocated from:
    #0 0x7f00 in malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69
    #1 0x7f02  (/src/kokoro-native/build-sanitize/cmake/Release/kokoro_native.node+0x9a0)

Indirect leak of 128 byte(s) in 1 object(s) allocated from:
    #0 0x7f00 in operator new(unsigned long) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:95
    #1 0x5502 in v8::FunctionTemplate::SetCallHandler (/usr/bin/node+0xeeaf72)
    #2 0x5503 in napi_create_function (/usr/bin/node+0xc47ad9)
    #3 0x7f03 in init /src/kokoro-native/native/addon.cc:204

SUMMARY: AddressSanitizer: 4320 byte(s) leaked in 5 allocation(s).
`;

describe('reading the sanitizer logs', () => {
  it('fails errors and leaks through our code, and only counts leaks of others (V8\'s own allocations included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-san-'));
    writeFileSync(join(dir, 'asan.4242'), leakReport);
    writeFileSync(join(dir, 'asan.4343'), '==4343==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020\n');
    writeFileSync(join(dir, 'ubsan.4444'), '/src/native/core/Checkpoint.cc:88:12: runtime error: signed integer overflow\n');
    const { findings, foreignLeaks, logs } = readSanitizerLogs(dir);
    expect(logs).toBe(3);
    expect(foreignLeaks).toBe(2);
    expect(findings).toHaveLength(4);
    expect(findings.join('\n')).toMatch(/VoiceLibrary::load/);
    expect(findings.join('\n')).toMatch(/kokoro_native\.node\+0x9a0/);
    expect(findings.join('\n')).toMatch(/heap-use-after-free/);
    expect(findings.join('\n')).toMatch(/signed integer overflow/);
  });

  it('fails a log that is neither an error nor a leak report (the sanitizer\'s own fatal error aborts the process)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-san-'));
    writeFileSync(join(dir, 'asan.4545'), `${leakReport}==4545==LeakSanitizer has encountered a fatal error.\n`);
    writeFileSync(join(dir, 'asan.4646'), leakReport);
    const { findings, foreignLeaks } = readSanitizerLogs(dir);
    expect(foreignLeaks).toBe(4);
    expect(findings.filter((f: string) => f.startsWith('asan.4545:') && /fatal error/.test(f))).toHaveLength(1);
    expect(findings.filter((f: string) => /neither an error report nor a leak report/.test(f))).toHaveLength(1);
  });

  it('counts a crash of LeakSanitizer\'s tracer as an incomplete leak check, not a finding, unless something else is in the log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kokoro-san-'));
    const tracer = (pid: number) => `Tracer caught signal 11: addr=0x6cf8 pc=0x7f0f85ee80f0 sp=0x7f0f837ffd10\n==${pid}==LeakSanitizer has encountered a fatal error.\n==${pid}==HINT: For debugging, try setting environment variable LSAN_OPTIONS=verbosity=1:log_threads=1\n==${pid}==HINT: LeakSanitizer does not work under ptrace (strace, gdb, etc)\n`;
    writeFileSync(join(dir, 'asan.4747'), tracer(4747));
    writeFileSync(join(dir, 'asan.4848'), `${tracer(4848)}==4848==AddressSanitizer CHECK failed: sanitizer_common.cpp:61\n`);
    writeFileSync(join(dir, 'asan.4949'), '==4949==LeakSanitizer has encountered a fatal error.\n');
    const { findings, incompleteLeakChecks } = readSanitizerLogs(dir);
    expect(incompleteLeakChecks.sort()).toEqual(['asan.4747', 'asan.4848']);
    expect(findings.some((f: string) => f.startsWith('asan.4747:'))).toBe(false);
    expect(findings.filter((f: string) => f.startsWith('asan.4848:') && /CHECK failed/.test(f))).toHaveLength(1);
    expect(findings.filter((f: string) => f.startsWith('asan.4949:') && /fatal error/.test(f))).toHaveLength(1);
  });

  it('finds nothing in a run without logs', () => {
    expect(readSanitizerLogs(join(tmpdir(), 'kokoro-san-missing'))).toEqual({ findings: [], foreignLeaks: 0, incompleteLeakChecks: [], logs: 0 });
  });
});
