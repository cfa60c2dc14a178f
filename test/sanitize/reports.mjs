// Reads the sanitizer logs of a run (every process writes `<log_path>.<pid>`) and returns what
// must fail it: every AddressSanitizer or UndefinedBehaviorSanitizer error, and every leak whose
// allocation stack passes through our code and was not made by node or V8 itself. A leak with no frame of ours belongs to node, V8,
// libtorch, espeak-ng, OpenBLAS or to a foreign child (python, redis-server, ffmpeg, chromium,
// which inherit the preload) and is not ours to fix; it is counted, not failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stack frame in our code: its source under native/, or its address inside our addon. */
const OUR_FRAME = /\/native\/(core|napi)\/|\/native\/addon\.cc|kokoro_native\.node/;

/**
 * A block allocated by node or V8 itself (its first frame after the allocator is in the node
 * executable). Such memory is V8's even when our addon's calls made V8 allocate it (a function
 * created in the addon's init), and process.exit() ends node without disposing of V8's heap.
 */
const NODE_ALLOCATED = /^\s*#1 .*\(\/\S*\/node\+0x[0-9a-f]+\)\s*$/m;

/** Splits an LSan report into its leak blocks ("Direct leak of ..." up to the blank line). */
function leakBlocks(text) {
  return text.split(/\n(?=(?:Direct|Indirect) leak of )/).filter((b) => /^(Direct|Indirect) leak of /.test(b))
    .map((b) => b.split(/\n\s*\n/)[0]);
}

/**
 * The lines of a leak report: its frame, header, summary and separator lines. A log line of any
 * other shape is the sanitizer saying something else (its own fatal error, a failed internal
 * CHECK, a tracer that caught a signal): such a process aborted (abort_on_error) without an error
 * of the two kinds above, and the run must say why instead of showing a bare SIGABRT.
 */
const LEAK_REPORT_LINE = /^\s*$|^\s+#\d+ |^=+$|^==\d+==ERROR: LeakSanitizer: detected memory leaks$|^(Direct|Indirect) leak of |^SUMMARY: AddressSanitizer: \d+ byte\(s\) leaked/;

/**
 * LeakSanitizer's own tracer crashing while it stops the process's threads at exit (seen once in
 * ~150 runs of a child, with no frame of ours: an LSan failure under many exiting threads). It
 * prints only these lines; an AddressSanitizer error would have been reported before it, so what
 * is lost is that process's leak check alone. Counted and named, not failed; any other fatal
 * error or CHECK still is a finding.
 */
const TRACER_CRASH = /^Tracer caught signal \d+: addr=0x[0-9a-f]+ pc=0x[0-9a-f]+ sp=0x[0-9a-f]+$/m;
const TRACER_CRASH_LINE = /^Tracer caught signal \d+: |^==\d+==LeakSanitizer has encountered a fatal error\.$|^==\d+==HINT: (For debugging, try setting environment variable LSAN_OPTIONS=verbosity=1:log_threads=1|LeakSanitizer does not work under ptrace \(strace, gdb, etc\))$/;

/**
 * Errors (one line each, with the log file), the count of leaks that are not ours, and the logs
 * whose leak check did not complete because LeakSanitizer's tracer crashed.
 */
export function readSanitizerLogs(dir) {
  const findings = [];
  const incompleteLeakChecks = [];
  let foreignLeaks = 0;
  if (!existsSync(dir)) return { findings, foreignLeaks, incompleteLeakChecks, logs: 0 };
  const logs = readdirSync(dir);
  for (const name of logs) {
    const text = readFileSync(join(dir, name), 'utf8');
    const errors = [...text.matchAll(/ERROR: AddressSanitizer: .*|runtime error: .*/g)];
    for (const error of errors) findings.push(`${name}: ${error[0]}`);
    const tracerCrashed = TRACER_CRASH.test(text);
    if (tracerCrashed) incompleteLeakChecks.push(name);
    const unexplained = text.split('\n')
      .filter((line) => !LEAK_REPORT_LINE.test(line) && !(tracerCrashed && TRACER_CRASH_LINE.test(line)));
    if (!errors.length && unexplained.length) {
      findings.push(`${name}: sanitizer output that is neither an error report nor a leak report:\n    ${unexplained.slice(0, 8).join('\n    ')}`);
    }
    for (const block of leakBlocks(text)) {
      if (OUR_FRAME.test(block) && !NODE_ALLOCATED.test(block)) findings.push(`${name}: ${block.split('\n').slice(0, 12).join('\n    ')}`);
      else foreignLeaks += 1;
    }
  }
  return { findings, foreignLeaks, incompleteLeakChecks, logs: logs.length };
}
