import { afterAll, beforeAll } from 'vitest';

import { KModel } from '../../lib/index.js';
import { tinyConfig, tinyWeights } from './fixtures.js';

/**
 * The tiny fixture model loaded in fp32 and in bf16 (1 thread each) for the enclosing describe
 * block, disposed after it. Read the models from the returned object inside tests.
 */
export function useTinyPrecisions(): { fp32: KModel; bf16: KModel } {
  const models = {} as { fp32: KModel; bf16: KModel };
  beforeAll(async () => {
    models.fp32 = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1, precision: 'fp32' });
    models.bf16 = await KModel.load({ config: tinyConfig, weights: tinyWeights, device: 'cpu', threads: 1, precision: 'bf16' });
  });
  afterAll(async () => {
    await models.fp32?.dispose();
    await models.bf16?.dispose();
  });
  return models;
}
