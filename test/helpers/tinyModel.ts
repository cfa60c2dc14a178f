import { afterAll, beforeAll } from 'vitest';

import { ModelManager, type KokoroModel, type ModelManagerOptions } from '../../lib/index.js';
import { makeTinyModelsDir } from './modelsDir.js';

/**
 * Loads the tiny fixture model (as "v1.0", CPU, one thread) once for the enclosing describe
 * block and disposes it after; call inside `describe`. Returns a getter, valid in tests.
 */
export function tinyModelForSuite(options: Partial<ModelManagerOptions> = {}): () => KokoroModel {
  let manager: ModelManager | undefined;
  let model: KokoroModel | undefined;
  beforeAll(async () => {
    manager = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', threads: 1, ...options });
    model = await manager.getModel('v1.0');
  });
  afterAll(() => manager?.dispose());
  return () => {
    if (!model) throw new Error('the tiny model is loaded in beforeAll; use it inside a test');
    return model;
  };
}
