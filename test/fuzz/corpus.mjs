// The fuzz corpus: bad (and merely odd) inputs for every public entry point, generated
// deterministically (seeded) into a folder at test time. Each case is a plain descriptor that
// test/fuzz/runCases.mjs executes against the public API.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { deepPickle, op, tensorFile, tensorPickle, torchFile, voicePack } from './torchFiles.mjs';

/** A small seeded PRNG (mulberry32): the same corpus on every run. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets where a ZIP's structures begin and end: local headers, names, data, directory, end record. */
function structuralOffsets(bytes) {
  const offsets = new Set([0, 1, bytes.length - 1, bytes.length - 22]);
  for (let i = 0; i + 4 <= bytes.length; i++) {
    const signature = bytes.readUInt32LE(i);
    if (signature === 0x04034b50) {
      const nameLength = bytes.readUInt16LE(i + 26);
      const size = bytes.readUInt32LE(i + 18);
      for (const o of [i, i + 4, i + 30, i + 30 + nameLength, i + 30 + nameLength + size]) offsets.add(o);
    } else if (signature === 0x02014b50 || signature === 0x06054b50) {
      offsets.add(i);
      offsets.add(i + 10);
    }
  }
  return [...offsets].filter((o) => o > 0 && o < bytes.length).sort((a, b) => a - b);
}

function flips(bytes, count, next) {
  const out = [];
  for (let k = 0; k < count; k++) {
    const copy = Buffer.from(bytes);
    const n = 1 + Math.floor(next() * 4);
    for (let j = 0; j < n; j++) copy[Math.floor(next() * copy.length)] ^= 1 + Math.floor(next() * 255);
    out.push(copy);
  }
  return out;
}

const SCRIPTS = {
  latin: 'The quick brown fox jumps.', cyrillic: 'Съешь же ещё этих мягких булок.', greek: 'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.',
  arabic: 'نص حكيم له سر قاطع.', hebrew: 'דג סקרן שט בים מאוכזב.', devanagari: 'ऋषियों को सताने वाले दुष्ट राक्षसों।',
  han: '我能吞下玻璃而不伤身体。', kana: 'いろはにほへと ちりぬるを。', hangul: '다람쥐 헌 쳇바퀴에 타고파.', thai: 'เป็นมนุษย์สุดประเสริฐเลิศคุณค่า',
  ethiopic: 'ሰማይ አይታረስ ንጉሥ አይከሰስ።', emoji: '😀🎉👍🏽👨‍👩‍👧', math: '∀x∈ℝ: x²≥0 ∑∫∂',
};
const LANGUAGES = ['a', 'b', 'e', 'f', 'h', 'i', 'j', 'p', 'z'];

/**
 * Writes the corpus' files under `dir` and returns its cases. `tinyConfig`/`tinyWeights` are the
 * fixture model the checkpoint and config cases start from.
 */
export function generateCorpus(dir, { tinyConfig, tinyWeights }) {
  const next = random(20261201);
  const cases = [];
  let fileCount = 0;
  const file = (bytes, ext = '.pt') => {
    const path = join(dir, `f${fileCount++}${ext}`);
    writeFileSync(path, bytes);
    return path;
  };
  const voiceFile = (name, bytes) => cases.push({ kind: 'voiceFile', name, path: file(bytes) });

  // Voice packs: crafted pickles.
  for (const levels of [50, 101, 1000, 100_000, 1_000_000]) voiceFile(`deep nesting ${levels}`, torchFile(deepPickle(levels)));
  for (const index of [1000, 65_536, 9_999_999, 0xffffffff]) {
    const pickle = Buffer.concat([op.proto, tensorPickle({ numel: 256, sizes: [1, 1, 256], strides: [256, 256, 1] }), op.memoPut(index), op.stop]);
    voiceFile(`memo index ${index}`, torchFile(pickle, { 0: Buffer.alloc(1024) }));
  }
  voiceFile('memo get of an unknown index', torchFile(Buffer.concat([op.proto, op.memoGet(7), op.stop])));
  const views = {
    'stride 0 expanding': { numel: 256, sizes: [1_000_000, 1, 256], strides: [0, 0, 1] },
    'overflowing strides': { numel: 256, sizes: [2 ** 40, 2 ** 40, 256], strides: [2 ** 40, 2 ** 40, 1] },
    'overflowing sizes': { numel: 256, sizes: [2 ** 62, 4, 256], strides: [0, 0, 1] },
    'huge offset': { numel: 256, offset: 2 ** 62, sizes: [1, 1, 256], strides: [256, 256, 1] },
    'offset past end': { numel: 256, offset: 1, sizes: [1, 1, 256], strides: [256, 256, 1] },
    'max int64 stride': { numel: 512, sizes: [2, 1, 256], strides: [9223372036854775807n, 256, 1] },
    'empty view': { numel: 256, sizes: [0, 1, 256], strides: [256, 256, 1] },
    'rank 1 row': { numel: 256, sizes: [256], strides: [1] },
    'rank 4': { numel: 512, sizes: [2, 1, 1, 256], strides: [256, 256, 256, 1] },
    'width 255': { numel: 255, sizes: [1, 1, 255], strides: [255, 255, 1] },
    'width 512': { numel: 512, sizes: [1, 1, 512], strides: [512, 512, 1] },
    'two columns': { numel: 1024, sizes: [2, 2, 256], strides: [512, 256, 1] },
    'transposed': { numel: 512, sizes: [256, 1, 2], strides: [1, 1, 256] },
    'scalar': { numel: 1, sizes: [], strides: [] },
    'rows 510 flat': { numel: 510 * 256, sizes: [510, 256], strides: [256, 1] },
  };
  for (const [name, record] of Object.entries(views)) voiceFile(`view: ${name}`, tensorFile(record));
  for (const [name, bytes] of [['lying small', 1024], ['lying zero', 0], ['lying odd', 1023]]) {
    voiceFile(`storage ${name}`, tensorFile({ numel: 2 ** 36, sizes: [2 ** 28, 1, 256], strides: [256, 256, 1] }, { storageBytes: bytes }));
  }
  voiceFile('storage bigger than declared', tensorFile({ numel: 256, sizes: [1, 1, 256], strides: [256, 256, 1] }, { storageBytes: 4096 }));
  for (const storageType of ['LongStorage', 'DoubleStorage', 'HalfStorage', 'ByteStorage', 'IntStorage']) {
    voiceFile(`dtype ${storageType}`, tensorFile({ storageType, numel: 512, sizes: [2, 1, 256], strides: [256, 256, 1] }));
  }
  voiceFile('NaN floats', tensorFile({ numel: 512, sizes: [2, 1, 256], strides: [256, 256, 1] }, { fill: Number.NaN }));
  voiceFile('infinite floats', tensorFile({ numel: 512, sizes: [2, 1, 256], strides: [256, 256, 1] }, { fill: Infinity }));
  voiceFile('huge floats', tensorFile({ numel: 512, sizes: [2, 1, 256], strides: [256, 256, 1] }, { fill: 3e38 }));
  const badCrc = voicePack(2);
  badCrc[badCrc.indexOf(Buffer.from('archive/data/0')) + 20] ^= 1;
  voiceFile('wrong CRC', badCrc);
  for (const [name, pickle] of [
    ['unsupported opcode', Buffer.from([0x80, 2, 0x93, 0x2e])],
    ['unknown global', Buffer.concat([op.proto, op.global('os', 'system'), op.string('echo'), op.tuple, op.reduce, op.stop])],
    ['empty pickle', Buffer.alloc(0)],
    ['only STOP', op.stop],
    ['stack underflow', Buffer.from([0x80, 2, 0x74, 0x2e])],
    ['string past end', Buffer.concat([op.proto, Buffer.from([0x58, 0xff, 0xff, 0xff, 0x7f]), op.stop])],
    ['a dict, not a tensor', Buffer.concat([op.proto, op.emptyDict, op.stop])],
    ['long line GLOBAL', Buffer.concat([op.proto, Buffer.from('c' + 'x'.repeat(5000) + '\n' + 'y\n'), op.stop])],
    ['million marks', Buffer.concat([op.proto, Buffer.alloc(1_000_000, '('), op.stop])],
    ['persistent id of a string', Buffer.concat([op.proto, op.string('storage'), op.persid, op.stop])],
  ]) voiceFile(`pickle: ${name}`, torchFile(pickle, { 0: Buffer.alloc(1024) }));
  voiceFile('no data.pkl', (() => {
    const good = voicePack(1);
    return Buffer.from(good.toString('latin1').replaceAll('data.pkl', 'data.pkx'), 'latin1');
  })());
  voiceFile('not a zip', Buffer.from('hello, this is not a zip file at all'));
  voiceFile('empty file', Buffer.alloc(0));
  // Truncation at every structural boundary of a good pack, and random byte flips.
  const good = voicePack(3);
  for (const at of structuralOffsets(good)) voiceFile(`truncated at ${at}`, good.subarray(0, at));
  flips(good, 40, next).forEach((bytes, i) => voiceFile(`byte flips #${i}`, bytes));
  cases.push({ kind: 'voiceFile', name: 'raw .bin of 1000 bytes', path: file(Buffer.alloc(1000), '.bin') });
  cases.push({ kind: 'voiceFile', name: 'raw .bin of NaN', path: file(Buffer.from(new Float32Array(256).fill(Number.NaN).buffer), '.bin') });

  // Checkpoints: truncations and flips of the fixture model (its data.pkl and first storages).
  const checkpoint = readFileSync(tinyWeights);
  const boundaries = structuralOffsets(checkpoint);
  const picked = boundaries.filter((_, i) => i % Math.ceil(boundaries.length / 24) === 0);
  for (const at of picked) cases.push({ kind: 'checkpoint', name: `checkpoint truncated at ${at}`, path: file(checkpoint.subarray(0, at), '.pth') });
  for (let k = 0; k < 16; k++) {
    const copy = Buffer.from(checkpoint);
    copy[Math.floor(next() * Math.min(copy.length, 200_000))] ^= 0x5a;
    cases.push({ kind: 'checkpoint', name: `checkpoint byte flip #${k}`, path: file(copy, '.pth') });
  }

  // config.json variants.
  const config = JSON.parse(readFileSync(tinyConfig, 'utf8'));
  const variants = {
    'not an object': [1, 2, 3], 'null': null, 'empty': {}, 'vocab []': { ...config, vocab: [] },
    'vocab array': { ...config, vocab: ['a', 'b'] }, 'vocab null': { ...config, vocab: null },
    'vocab id fraction': { ...config, vocab: { a: 1.5 } }, 'vocab id negative': { ...config, vocab: { a: -1 } },
    'vocab id huge': { ...config, vocab: { a: 1e12 } }, 'vocab key two letters': { ...config, vocab: { ab: 3 } },
    'n_token 0': { ...config, n_token: 0 }, 'n_token huge': { ...config, n_token: 1e15 },
    'hidden_dim string': { ...config, hidden_dim: '512' }, 'hidden_dim NaN': { ...config, hidden_dim: Number.NaN },
    'hidden_dim huge': { ...config, hidden_dim: 2 ** 40 }, 'style_dim 0': { ...config, style_dim: 0 },
    'max_dur 1e9': { ...config, max_dur: 1e9 }, 'no plbert': { ...config, plbert: undefined },
    'plbert heads 0': { ...config, plbert: { ...config.plbert, num_attention_heads: 0 } },
    'plbert layers huge': { ...config, plbert: { ...config.plbert, num_hidden_layers: 1e6 } },
    'no istftnet': { ...config, istftnet: undefined },
    'istftnet garbage': { ...config, istftnet: { ...config.istftnet, upsample_rates: 'x' } },
    'n_layer negative': { ...config, n_layer: -3 },
  };
  for (const [name, value] of Object.entries(variants)) cases.push({ kind: 'config', name: `config: ${name}`, config: value });
  cases.push({ kind: 'config', name: 'config: garbage file', configPath: file(Buffer.from('{"n_token": 178,,, garbage'), '.json') });

  // Texts.
  const texts = {
    empty: '', whitespace: ' \t\n\r   \n', 'one megabyte': 'Hello there. '.repeat(80_000),
    'lone surrogates': 'a\ud800b\udfffc \ud83d', 'control characters': 'a\u0000b\u0007c\u001bd\u007f\u0085e',
    'zero-width': 'a\u200bb\u200cc\u200dd\ufeffe\u2060', RTL: '\u202eHello\u202c שלום مرحبا',
    'emoji only': '🎉🎉🎉 👍🏽', 'ten thousand letters': 'a'.repeat(10_000), 'punctuation only': '!?.,;:—…"\'()[]{}',
    'combining marks': 'e\u0301\u0301\u0301\u0301\u0301'.repeat(200), 'newlines only': '\n'.repeat(5000),
    'digits': '1234567890'.repeat(100), 'private use': '\ue000\uf8ff', 'noncharacters': '\ufffe\uffff',
  };
  for (let k = 0; k < 8; k++) {
    let s = '';
    for (let j = 0; j < 200; j++) s += String.fromCharCode(Math.floor(next() * 0x10000));
    texts[`random UTF-16 #${k}`] = s;
  }
  const textLangs = ['a', 'j', 'z', 'h'];
  for (const [name, text] of Object.entries(texts)) {
    cases.push({ kind: 'text', name: `text: ${name}`, text, lang: textLangs[cases.length % textLangs.length] });
  }
  for (const [script, text] of Object.entries(SCRIPTS)) {
    for (const lang of LANGUAGES) cases.push({ kind: 'text', name: `script ${script} in ${lang}`, text, lang });
  }

  // Options.
  for (const speed of [Number.NaN, -1, 0, 1e-9, 0.2499, 4.0001, 1e300, Infinity, -Infinity, '1', null, 0.25, 4, 1.5]) {
    cases.push({ kind: 'options', name: `speed ${String(speed)}`, options: { speed } });
  }
  for (const seed of [Number.NaN, -1, 1.5, 2 ** 53, 2 ** 64, Infinity, '7', null, 0, 2 ** 53 - 1]) {
    cases.push({ kind: 'options', name: `seed ${String(seed)}`, options: { seed } });
  }
  for (const signal of ['abort', 'not a signal', 'object']) cases.push({ kind: 'options', name: `signal ${signal}`, options: { signal } });

  // Voice specs.
  const many = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 'af_heart' : 'af_bella')).join('+');
  for (const voice of ['a(2+b', 'a(-1)', '+', '++', 'af_heart(0)', 'af_heart(-0.5)', `af_heart(1${'0'.repeat(400)})`,
    'af_heart(1e6)+af_bella', 'af_heart()', 'af_heart(((', '../../etc/passwd', '/dev/zero', '/dev/null.pt', '',
    '   ', 'no_such_voice', many, 'af_heart+no_such_voice', 'af_heart(0.5)+af_bella(0.5)', 'af_heart(1e-300)']) {
    cases.push({ kind: 'voice', name: `voice ${voice.length > 40 ? voice.slice(0, 40) + '…' : JSON.stringify(voice)}`, voice });
  }
  cases.push({ kind: 'voice', name: 'voice: NaN Float32Array', floats: 'nan' });
  cases.push({ kind: 'voice', name: 'voice: 100 floats', floats: 'short' });

  // Languages.
  for (const lang of ['', 'xx', 'en-xx', 'A', 'null', null, undefined, 42, '🎉', 'a'.repeat(1000), 'zh', 'ja']) {
    cases.push({ kind: 'language', name: `language ${JSON.stringify(lang)}`, lang });
  }
  cases.forEach((c, i) => { c.id = i; });
  return cases;
}
