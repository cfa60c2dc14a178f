import { afterEach, describe, expect, it } from 'vitest';

import { type KModel, runtimeInfo } from '../../lib/index.js';
import { loadBinding } from '../../lib/native/loadBinding.js';
import { correlation, fixtureCases, hasShared, tinyVoice } from '../helpers/fixtures.js';
import { useTinyPrecisions } from '../helpers/tinyPrecisions.js';

// The fused AdaIN + Snake kernel (native/core/FusedAdainSnake.h) against libtorch's unfused ops.

/** Deterministic pseudo-random values (xorshift), roughly N(mean, std). */
function values(count: number, seed: number, mean = 0, std = 1): Float32Array {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = mean + std * (next() + next() + next() - 1.5) * 2;
  return out;
}

/** float32 -> nearest bfloat16 (ties to even), back as float32. */
function roundBf16(x: Float32Array): Float32Array {
  const bits = new Uint32Array(x.slice().buffer);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    bits[i] = ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) << 16;
  }
  return new Float32Array(bits.buffer);
}

interface Case { shape: [number, number, number]; x: Float32Array; gamma: Float32Array; beta: Float32Array; alpha: Float32Array }

function makeCase(shape: [number, number, number], seed: number, mean = 0.7, std = 3): Case {
  const [b, c, t] = shape;
  const alpha = values(c, seed + 3, 1, 0.4).map((a) => Math.max(Math.abs(a), 0.05));
  return { shape, x: values(b * c * t, seed, mean, std), gamma: values(b * c, seed + 1, 0, 0.3), beta: values(b * c, seed + 2, 0, 0.5), alpha };
}

// Odd lengths (vector tails), two steps (instance_norm's minimum), one channel, several items, long rows.
const SHAPES: Array<[number, number, number]> = [[1, 1, 2], [1, 3, 2], [1, 1, 3], [1, 5, 7], [2, 6, 9], [3, 9, 17], [1, 16, 4099], [2, 7, 1000]];

function probe(c: Case, dtype: 'fp32' | 'bf16', x = c.x, gamma = c.gamma, beta = c.beta, alpha = c.alpha) {
  return loadBinding().fusedAdainSnakeProbe(x, c.shape, gamma, beta, alpha, dtype);
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('fused AdaIN + Snake kernel', () => {
  const exact = runtimeInfo().fusedKernels.includes('sleef');

  for (const shape of SHAPES) {
    it(`float32 ${shape.join('x')}: equals libtorch's unfused ops${exact ? ' bit for bit' : ' within 1e-6'}`, () => {
      const c = makeCase(shape, shape[2] * 31 + shape[1]);
      const { fused, reference } = probe(c, 'fp32');
      expect(fused.every(Number.isFinite)).toBe(true);
      if (exact) {
        expect(Buffer.from(fused.buffer).equals(Buffer.from(reference.buffer))).toBe(true);
      } else {
        expect(maxAbsDifference(fused, reference)).toBeLessThan(1e-6 * 8);
      }
    });

    it(`bfloat16 ${shape.join('x')}: within one bf16 step of the float32 result, nearly always its rounding, closer than the unfused ops`, () => {
      const c = makeCase(shape, shape[2] * 17 + shape[1]);
      const [x, gamma, beta, alpha] = [c.x, c.gamma, c.beta, c.alpha].map(roundBf16);
      const { fused, reference } = probe(c, 'bf16', x, gamma, beta, alpha);
      const float = probe(c, 'fp32', x, gamma, beta, alpha).fused;
      const rounded = roundBf16(float);
      // The kernel's float work is accurate to a few float ulps of the O(1) terms it sums, so
      // its one rounding lands on one of the two bf16 neighbours of the float32 result (a bf16
      // step is at most 2^-7 of the value; 2^-20 covers results near 0, where y and the Snake
      // term cancel),
      let roundedAlike = 0;
      for (let i = 0; i < fused.length; i++) {
        expect(Math.abs(fused[i] - float[i])).toBeLessThanOrEqual(Math.abs(float[i]) * 2 ** -7 + 2 ** -20);
        if (fused[i] === rounded[i]) roundedAlike++;
      }
      // is the float32 result's own rounding for nearly every value,
      expect(roundedAlike / fused.length).toBeGreaterThanOrEqual(fused.length < 100 ? 0.9 : 0.995);
      // and is no further from it than libtorch's bf16 ops, which round after every step.
      expect(maxAbsDifference(fused, float)).toBeLessThanOrEqual(maxAbsDifference(reference, float));
    });
  }

  it('a constant row (zero variance) gives beta plus its Snake term, as the unfused ops', () => {
    const c = makeCase([1, 2, 33], 5);
    c.x.fill(2.5);
    const { fused, reference } = probe(c, 'fp32');
    expect(fused.every(Number.isFinite)).toBe(true);
    expect(maxAbsDifference(fused, reference)).toBe(0);
  });

  it('leaves one-step rows to libtorch (instance_norm rejects them) and checks lengths, with typed errors', () => {
    const one = makeCase([1, 2, 1], 7);
    expect(() => probe(one, 'fp32')).toThrow(expect.objectContaining({ code: 'KOKORO_INVALID_ARGUMENT' }));
    const c = makeCase([1, 2, 3], 9);
    expect(() => loadBinding().fusedAdainSnakeProbe(c.x, [1, 2, 4], c.gamma, c.beta, c.alpha, 'fp32'))
      .toThrow(expect.objectContaining({ code: 'KOKORO_INVALID_ARGUMENT' }));
  });
});

// The tiled operators (TiledSnakeConv.h, TiledConvTranspose.h) at small tile widths, so that a
// row spans many tiles, against libtorch's whole convolution of the unfused ops.
describe('tiled convolutions (float32)', () => {
  const exact = runtimeInfo().fusedKernels.includes('sleef');
  const tiled = (kind: 'snake' | 'transpose', options: Record<string, unknown>) =>
    loadBinding().tiledConvolutionProbe(kind, options);

  function snakeCase(shape: [number, number, number], kernel: number, dilation: number, seed: number) {
    const c = makeCase(shape, seed);
    const [, channels] = shape;
    return {
      x: c.x, shape, gamma: c.gamma, beta: c.beta, alpha: c.alpha,
      weight: values(channels * channels * kernel, seed + 5, 0, 0.1), weightShape: [channels, channels, kernel],
      bias: values(channels, seed + 6, 0, 0.2), padding: (kernel - 1) * dilation / 2, dilation,
    };
  }

  // Kernel 3 / 7 / 11 with the generator's dilations (padding up to 25); tiles that divide T and
  // that do not (the last overlaps), two items; tiles too small for libtorch to run oneDNN on
  // them (it would sum in another order: the whole convolution runs) and one wider than T.
  const SNAKE: Array<{ shape: [number, number, number]; kernel: number; dilation: number; tile: number }> = [
    { shape: [1, 32, 5000], kernel: 3, dilation: 1, tile: 1000 },
    { shape: [1, 32, 4001], kernel: 7, dilation: 3, tile: 700 },
    { shape: [1, 32, 3001], kernel: 11, dilation: 5, tile: 800 },
    { shape: [2, 16, 3000], kernel: 11, dilation: 1, tile: 700 },
    { shape: [1, 16, 1000], kernel: 3, dilation: 1, tile: 100 },
    { shape: [1, 16, 200], kernel: 7, dilation: 1, tile: 1000 },
  ];
  for (const { shape, kernel, dilation, tile } of SNAKE) {
    it(`conv1d(adain_snake) ${shape.join('x')}, kernel ${kernel}, dilation ${dilation}, tiles of ${tile}: the whole computation${exact ? ' bit for bit' : ''}`, () => {
      const c = snakeCase(shape, kernel, dilation, shape[2] + kernel);
      const { tiled: result, whole } = tiled('snake', { ...c, tileSteps: tile });
      expect(result.length).toBe(whole.length);
      expect(result.every(Number.isFinite)).toBe(true);
      if (exact) {
        expect(Buffer.from(result.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
      } else {
        expect(maxAbsDifference(result, whole)).toBeLessThan(1e-4);
      }
    });
  }

  it('adds into a given sum tile by tile, each output once (the overlapping last tile too), as sum + the whole computation', () => {
    const c = snakeCase([1, 32, 2999], 7, 5, 3);
    const accumulate = values(32 * 2999, 11, 0.5, 2);
    const { tiled: result, whole } = tiled('snake', { ...c, accumulate, tileSteps: 700 });
    if (exact) {
      expect(Buffer.from(result.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    } else {
      expect(maxAbsDifference(result, whole)).toBeLessThan(1e-4);
    }
  });

  it('KOKORO_CONV_TILES=0 runs whole convolutions (read at every call) and says so', () => {
    expect(runtimeInfo().fusedKernels).toMatch(/convolutions of stages from 32 MiB in time tiles/);
    process.env.KOKORO_CONV_TILES = '0';
    try {
      expect(runtimeInfo().fusedKernels).toMatch(/whole fp32 convolutions \(KOKORO_CONV_TILES=0\)$/);
      const c = snakeCase([1, 32, 3000], 7, 3, 21);
      const { tiled: result, whole } = tiled('snake', { ...c, tileSteps: 700 });
      expect(maxAbsDifference(result, whole)).toBeLessThan(exact ? 1e-30 : 1e-4);
    } finally {
      delete process.env.KOKORO_CONV_TILES;
    }
  });

  // The generator's upsampling shapes (kernel 2 x stride, padding stride / 2), one other shape
  // that tiles (kernel 3, stride 1, padding 1), and one that does not (output padding: whole op).
  const TRANSPOSE: Array<{ io: [number, number]; kernel: number; stride: number; padding: number; steps: number; tile: number; outputPadding?: number }> = [
    { io: [32, 16], kernel: 12, stride: 6, padding: 3, steps: 500, tile: 64 },
    { io: [64, 32], kernel: 20, stride: 10, padding: 5, steps: 301, tile: 100 },
    { io: [16, 8], kernel: 3, stride: 1, padding: 1, steps: 257, tile: 5 },
    { io: [16, 8], kernel: 3, stride: 2, padding: 1, steps: 99, tile: 10, outputPadding: 1 },
  ];
  for (const { io, kernel, stride, padding, steps, tile, outputPadding } of TRANSPOSE) {
    it(`conv_transpose1d ${io.join('->')} channels, kernel ${kernel}, stride ${stride}, ${steps} steps in tiles of ${tile}: the whole op bit for bit`, () => {
      const [cin, cout] = io;
      const seed = steps + kernel;
      const { tiled: result, whole } = tiled('transpose', {
        x: values(cin * steps, seed, 0, 1), shape: [1, cin, steps],
        weight: values(cin * cout * kernel, seed + 1, 0, 0.1), weightShape: [cin, cout, kernel],
        bias: values(cout, seed + 2, 0, 0.2), stride, padding, tileSteps: tile, ...(outputPadding ? { outputPadding } : {}),
      });
      expect(result.length).toBe(whole.length);
      expect(result.every(Number.isFinite)).toBe(true);
      expect(Buffer.from(result.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    });
  }
});

describe.skipIf(!hasShared)('fused kernels in the model (tiny random model)', () => {
  const models = useTinyPrecisions();
  afterEach(() => { delete process.env.KOKORO_FUSED; });

  async function onAndOff(model: KModel) {
    const c = fixtureCases().find((x) => x.name === 't02_len21')!;
    const on = await model.infer(c.phonemes, tinyVoice, { seed: c.seed });
    process.env.KOKORO_FUSED = '0';
    expect(runtimeInfo().fusedKernels).toBe('off (KOKORO_FUSED=0)');
    const off = await model.infer(c.phonemes, tinyVoice, { seed: c.seed });
    delete process.env.KOKORO_FUSED;
    expect(runtimeInfo().fusedKernels).toMatch(/^adain\+snake/);
    expect(Array.from(on.durations)).toEqual(Array.from(off.durations));
    return { on: on.audio, off: off.audio };
  }

  it('float32: KOKORO_FUSED=0 (libtorch ops) and the fused kernel give the same audio', async () => {
    const { on, off } = await onAndOff(models.fp32);
    if (runtimeInfo().fusedKernels.includes('sleef')) {
      expect(Buffer.from(on.buffer).equals(Buffer.from(off.buffer))).toBe(true);
    } else {
      expect(correlation(on, off)).toBeGreaterThan(0.9999);
    }
  });

  it('bfloat16: the fused kernel and the unfused ops agree (correlation >= 0.999)', async () => {
    const { on, off } = await onAndOff(models.bf16);
    expect(on.every(Number.isFinite)).toBe(true);
    expect(correlation(on, off)).toBeGreaterThanOrEqual(0.999);
    // Not the same computation: the fused kernel rounds to bf16 once, the ops after every step.
    expect(Buffer.from(on.buffer).equals(Buffer.from(off.buffer))).toBe(false);
  });
});
