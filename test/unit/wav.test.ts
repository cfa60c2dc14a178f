import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { AudioStreamWriter, WavFileWriter, encodeSamples, wavHeader } from '../../lib/audio/wav.js';

describe('WAV and PCM writers', () => {
  it('encodes pcm16 with clipping and float32 exactly', () => {
    const pcm = encodeSamples(new Float32Array([0, 1, -1, 2, -2, 0.5]), 'pcm16');
    expect([0, 1, 2, 3, 4, 5].map((i) => pcm.readInt16LE(i * 2))).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
    const float = encodeSamples(new Float32Array([0.25, -0.75]), 'float32');
    expect([float.readFloatLE(0), float.readFloatLE(4)]).toEqual([0.25, -0.75]);
  });

  it('writes a header that describes the data', () => {
    const header = wavHeader(4800, 24000, 'float32');
    expect(header.toString('ascii', 0, 4)).toBe('RIFF');
    expect(header.readUInt32LE(4)).toBe(36 + 4800);
    expect(header.readUInt16LE(20)).toBe(3);
    expect(header.readUInt32LE(28)).toBe(96000);
    expect(header.readUInt16LE(34)).toBe(32);
    expect(header.readUInt32LE(40)).toBe(4800);
  });

  it('fixes the sizes of a file written chunk by chunk on close', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kokoro-wav-')), 'a.wav');
    const writer = await WavFileWriter.create(path);
    await writer.write(new Float32Array(1000).fill(0.1));
    await writer.write(new Float32Array(500).fill(-0.1));
    expect(writer.samples).toBe(1500);
    await writer.close();
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(44 + 3000);
    expect(bytes.readUInt32LE(40)).toBe(3000);
    expect(bytes.readUInt32LE(4)).toBe(36 + 3000);
    expect(bytes.readInt16LE(44 + 2 * 1200)).toBe(Math.round(-0.1 * 32768));
  });

  it('streams a header once, then raw samples', async () => {
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (b: Buffer) => parts.push(b));
    const writer = new AudioStreamWriter(sink);
    await writer.write(new Float32Array(10));
    await writer.write(new Float32Array(10));
    const all = Buffer.concat(parts);
    expect(all.length).toBe(44 + 40);
    expect(all.toString('ascii', 36, 40)).toBe('data');
  });
});
