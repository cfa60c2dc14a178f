// Builders of torch.save-style files (a ZIP of stored entries holding a protocol-2 pickle and raw
// storages), for tests and the fuzz corpus: well-formed ones, and ones that lie.
import { Buffer } from 'node:buffer';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (the ZIP one) of a buffer. */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A ZIP of uncompressed entries, as torch.save writes it. `crcOf` may replace an entry's CRC
 * (to write a wrong one).
 */
export function zip(entries, { crcOf = (name, data) => crc32(data) } = {}) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crcOf(name, data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(data.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(nameBytes.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, nameBytes);
    locals.push(local, nameBytes, data);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Pickle opcodes, written by hand so that every byte is under the test's control. */
export const op = {
  proto: Buffer.from([0x80, 2]),
  stop: Buffer.from('.'),
  mark: Buffer.from('('),
  tuple: Buffer.from('t'),
  list: Buffer.from('l'),
  emptyDict: Buffer.from('}'),
  reduce: Buffer.from('R'),
  persid: Buffer.from('Q'),
  global: (module, name) => Buffer.from(`c${module}\n${name}\n`),
  string: (s) => {
    const bytes = Buffer.from(s, 'utf8');
    const head = Buffer.alloc(5);
    head.write('X', 0);
    head.writeUInt32LE(bytes.length, 1);
    return Buffer.concat([head, bytes]);
  },
  int: (n) => {                                    // LONG1 with 8 little-endian bytes
    const b = Buffer.alloc(10);
    b[0] = 0x8a;
    b[1] = 8;
    b.writeBigInt64LE(BigInt(n), 2);
    return b;
  },
  memoPut: (i) => { const b = Buffer.alloc(5); b.write('r', 0); b.writeUInt32LE(i, 1); return b; },
  memoGet: (i) => { const b = Buffer.alloc(5); b.write('j', 0); b.writeUInt32LE(i, 1); return b; },
  boolFalse: Buffer.from([0x89]),
};

function intTuple(values) {
  return Buffer.concat([op.mark, ...values.map(op.int), op.tuple]);
}

/** The pickle of one tensor: `_rebuild_tensor_v2(storage, offset, sizes, strides, False, OrderedDict())`. */
export function tensorPickle({ storageType = 'FloatStorage', key = '0', numel, offset = 0, sizes, strides }) {
  return Buffer.concat([
    op.global('torch._utils', '_rebuild_tensor_v2'),
    op.mark,
    op.mark, op.string('storage'), op.global('torch', storageType), op.string(key), op.string('cpu'), op.int(numel), op.tuple,
    op.persid,
    op.int(offset),
    intTuple(sizes),
    intTuple(strides),
    op.boolFalse,
    op.global('collections', 'OrderedDict'), Buffer.from(')'), op.reduce,
    op.tuple,
    op.reduce,
  ]);
}

const ELEMENT_BYTES = { FloatStorage: 4, DoubleStorage: 8, LongStorage: 8, IntStorage: 4, HalfStorage: 2, ByteStorage: 1 };

/** A torch.save file holding one tensor; `storageBytes` overrides the storage's real length. */
export function tensorFile(record, { storageBytes, fill = 0.01, zipOptions } = {}) {
  const elementBytes = ELEMENT_BYTES[record.storageType ?? 'FloatStorage'] ?? 4;
  const bytes = storageBytes ?? record.numel * elementBytes;
  const storage = Buffer.alloc(bytes);
  if ((record.storageType ?? 'FloatStorage') === 'FloatStorage') {
    for (let i = 0; i + 4 <= bytes; i += 4) storage.writeFloatLE(fill, i);
  }
  return torchFile(Buffer.concat([op.proto, tensorPickle(record), op.stop]), { [record.key ?? '0']: storage }, zipOptions);
}

/** A torch.save file from a raw pickle and its storages. */
export function torchFile(pickle, storages = {}, zipOptions) {
  return zip([
    ['archive/data.pkl', pickle],
    ...Object.entries(storages).map(([key, data]) => [`archive/data/${key}`, data]),
    ['archive/version', Buffer.from('3\n')],
  ], zipOptions);
}

/** A well-formed voice pack [rows, 1, 256]. */
export function voicePack(rows = 4, fill = 0.01) {
  return tensorFile({ numel: rows * 256, sizes: [rows, 1, 256], strides: [256, 256, 1] }, { fill });
}

/** A pickle nesting `levels` lists. */
export function deepPickle(levels) {
  return Buffer.concat([op.proto, Buffer.alloc(levels, '('), Buffer.from(']'), Buffer.alloc(levels, 'l'), op.stop]);
}
