import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/index.js';
import { loadBinding } from '../../lib/native/loadBinding.js';
// @ts-expect-error plain JS builders shared with the fuzz corpus generator
import { op, tensorPickle, torchFile } from '../fuzz/torchFiles.mjs';

interface Entry { name: string; key: string; numel: number; sizes: number[]; strides: number[]; offset?: number }

/** A checkpoint `{decoder: {module.<name>: tensor}}` whose storages are filled with 0.5. */
function checkpoint(entries: Entry[]): Buffer {
  const items = entries.flatMap((e) => [op.string(`module.${e.name}`), tensorPickle(e)]);
  const pickle = Buffer.concat([
    op.proto, op.emptyDict, op.mark, op.string('decoder'), op.emptyDict, op.mark, ...items, Buffer.from('u'), Buffer.from('u'), op.stop,
  ]);
  const storages: Record<string, Buffer> = {};
  for (const e of entries) {
    const elements = Math.max(storages[e.key] ? storages[e.key]!.length / 4 : 0, e.numel);
    storages[e.key] = Buffer.alloc(elements * 4);
    for (let i = 0; i < elements; i++) storages[e.key]!.writeFloatLE(0.5, i * 4);
  }
  return torchFile(pickle, storages) as Buffer;
}

const dir = mkdtempSync(join(tmpdir(), 'kokoro-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
async function inspect(entries: Entry[]) {
  const path = join(dir, `${files++}.pth`);
  writeFileSync(path, checkpoint(entries));
  return loadBinding().inspectCheckpoint(path).then((listing) => ({ listing, code: undefined as string | undefined, message: '' }),
    (e: { code: string; message: string }) => ({ listing: [], code: e.code, message: e.message }));
}

const v = (name: string, key: string): Entry => ({ name: `${name}.weight_v`, key, numel: 6, sizes: [2, 3], strides: [3, 1] });
const g = (name: string, key: string): Entry => ({ name: `${name}.weight_g`, key, numel: 2, sizes: [2, 1], strides: [1, 1] });
const plain = (name: string, key: string, offset = 0): Entry => ({ name, key, numel: 8, sizes: [4], strides: [1], offset });

describe('checkpoint loading, tensor by tensor', () => {
  it('folds weight norm whichever half comes first, keeping the file\'s order', async () => {
    const { listing, code } = await inspect([g('a', '0'), v('a', '1'), plain('between', '2'), v('b', '3'), g('b', '4')]);
    expect(code).toBeUndefined();
    expect(listing).toEqual([['decoder.a.weight', [2, 3]], ['decoder.between', [4]], ['decoder.b.weight', [2, 3]]]);
  });

  it('reads a storage shared by several views once and gives each view its own part', async () => {
    const { listing, code } = await inspect([plain('first', '5'), { name: 'second', key: '5', numel: 8, sizes: [2], strides: [1], offset: 6 }]);
    expect(code).toBeUndefined();
    expect(listing).toEqual([['decoder.first', [4]], ['decoder.second', [2]]]);
  });

  it('names the half that has no partner', async () => {
    const lonelyGain = await inspect([g('a', '0'), plain('c', '1')]);
    expect(lonelyGain.code).toBe(ErrorCode.CheckpointMismatch);
    expect(lonelyGain.message).toContain("has 'decoder.a.weight_g' without its 'decoder.a.weight_v'");
    const lonelyDirection = await inspect([plain('c', '1'), v('b', '0')]);
    expect(lonelyDirection.code).toBe(ErrorCode.CheckpointMismatch);
    expect(lonelyDirection.message).toContain("has 'decoder.b.weight_v' without its 'decoder.b.weight_g'");
  });

  it('rejects halves whose shapes do not match', async () => {
    const { code, message } = await inspect([{ ...g('a', '0'), numel: 3, sizes: [3, 1] }, v('a', '1')]);
    expect(code).toBe(ErrorCode.CheckpointMismatch);
    expect(message).toContain("'decoder.a.weight_g' does not match 'decoder.a.weight_v'");
  });
});
