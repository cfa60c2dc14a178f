import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// @ts-expect-error plain JS builders shared with the fuzz corpus generator
import { deepPickle, op, tensorFile, tensorPickle, torchFile, voicePack } from '../fuzz/torchFiles.mjs';

const dist = JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'));

// Each file is read in a child process: a crafted file that kills the reader must fail the test,
// not the test runner.
function readAll(files: Record<string, Buffer>): Record<string, { code?: string; message?: string; rows?: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kokoro-crafted-'));
  const paths: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    paths[name] = join(dir, `${name}.pt`);
    writeFileSync(paths[name], bytes);
  }
  const script = `
    const { readVoicePackFile } = require(${dist});
    const paths = ${JSON.stringify(paths)};
    (async () => {
      const out = {};
      for (const [name, path] of Object.entries(paths)) {
        out[name] = await readVoicePackFile(path).then((p) => ({ rows: p.rows }), (e) => ({ code: e.code, message: e.message }));
      }
      console.log(JSON.stringify(out));
    })();`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 });
  expect(run.signal, run.stderr).toBeNull();
  expect(run.status).toBe(0);
  const results = JSON.parse(run.stdout) as Record<string, { code?: string; message?: string; rows?: number }>;
  for (const [name, result] of Object.entries(results)) {
    if (result.message) expect(result.message).toContain(paths[name]);
  }
  return results;
}

const pack = (record: object) => tensorFile(record) as Buffer;

describe('crafted voice files are rejected by their own size, typed', () => {
  it('reads a well-formed pack (the builder is right)', () => {
    expect(readAll({ good: voicePack(3) as Buffer }).good).toEqual({ rows: 3 });
  });

  it('rejects a pickle nested a million levels deep without overflowing the stack', () => {
    const results = readAll({ deep: torchFile(deepPickle(1_000_000)) as Buffer });
    expect(results.deep!.code).toBe('KOKORO_BAD_FORMAT');
  });

  it('rejects a memo index beyond anything the file could hold', () => {
    const pickle = Buffer.concat([op.proto, tensorPickle({ numel: 256, sizes: [1, 1, 256], strides: [256, 256, 1] }),
      op.memoPut(9_999_999), op.stop]);
    const storage = Buffer.alloc(1024);
    expect(readAll({ memo: torchFile(pickle, { 0: storage }) as Buffer }).memo!.code).toBe('KOKORO_BAD_FORMAT');
  });

  it('rejects views that reach outside their storage, overflow, or expand it (stride 0)', () => {
    const results = readAll({
      strideZero: pack({ numel: 256, sizes: [1_000_000, 1, 256], strides: [0, 0, 1] }),
      overflow: pack({ numel: 256, sizes: [2 ** 40, 2 ** 40, 256], strides: [2 ** 40, 2 ** 40, 1] }),
      hugeOffset: pack({ numel: 256, offset: 2 ** 62, sizes: [1, 1, 256], strides: [256, 256, 1] }),
      pastEnd: pack({ numel: 256, offset: 1, sizes: [1, 1, 256], strides: [256, 256, 1] }),
    });
    for (const result of Object.values(results)) expect(result.code).toBe('KOKORO_BAD_FORMAT');
  });

  it('checks a storage\'s declared size against the file before allocating', () => {
    const lying = tensorFile({ numel: 2 ** 36, sizes: [2 ** 28, 1, 256], strides: [256, 256, 1] }, { storageBytes: 1024 }) as Buffer;
    expect(readAll({ lying }).lying!.code).toBe('KOKORO_BAD_FORMAT');
  });

  it('rejects an entry whose CRC-32 does not match (a corrupted download)', () => {
    const corrupt = voicePack(2) as Buffer;
    // Flip one byte inside the storage's data.
    const at = corrupt.indexOf(Buffer.from('archive/data/0')) + 'archive/data/0'.length + 100;
    corrupt[at] ^= 0x40;
    expect(readAll({ corrupt }).corrupt!.code).toBe('KOKORO_BAD_FORMAT');
  });
});
