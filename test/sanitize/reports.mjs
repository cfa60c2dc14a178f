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

/** Errors (one line each, with the log file) and the count of leaks that are not ours. */
export function readSanitizerLogs(dir) {
  const findings = [];
  let foreignLeaks = 0;
  if (!existsSync(dir)) return { findings, foreignLeaks, logs: 0 };
  const logs = readdirSync(dir);
  for (const name of logs) {
    const text = readFileSync(join(dir, name), 'utf8');
    const errors = [...text.matchAll(/ERROR: AddressSanitizer: .*|runtime error: .*/g)];
    for (const error of errors) findings.push(`${name}: ${error[0]}`);
    const unexplained = text.split('\n').filter((line) => !LEAK_REPORT_LINE.test(line));
    if (!errors.length && unexplained.length) {
      findings.push(`${name}: sanitizer output that is neither an error report nor a leak report:\n    ${unexplained.slice(0, 8).join('\n    ')}`);
    }
    for (const block of leakBlocks(text)) {
      if (OUR_FRAME.test(block) && !NODE_ALLOCATED.test(block)) findings.push(`${name}: ${block.split('\n').slice(0, 12).join('\n    ')}`);
      else foreignLeaks += 1;
    }
  }
  return { findings, foreignLeaks, logs: logs.length };
}
