import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { EngineOptions } from './engineOptions.js';
import { ErrorCode, KokoroError } from './errors.js';
import { KModel, type Device, type Precision } from './KModel.js';
import { KokoroModel } from './KokoroModel.js';
import { checkLexicon, type Lexicon } from './lexicon.js';
import { MODEL_VERSIONS, defaultModelsDir, type ModelVersion } from './paths.js';

export interface ModelManagerOptions extends EngineOptions {
  /** Folder holding `v1_0/` and `v0_19/`. Defaults to `KOKORO_MODELS_DIR`, else the download cache. */
  modelsDir?: string;
  /** Defaults to `auto` (CUDA when available). */
  device?: Device;
  /** Precision of the decoder (see {@link Precision}). Defaults to `KOKORO_PRECISION`, else `auto`. */
  precision?: Precision;
  /** Words pronounced your way in every English request of every model (see {@link Lexicon}). Defaults to none. */
  lexicon?: Lexicon;
}

/**
 * Loads each model version once and hands out the same instance to every caller; concurrent
 * `getModel` calls share one load.
 */
export class ModelManager implements AsyncDisposable {
  /** The models folder in use. */
  readonly modelsDir: string;
  private readonly models = new Map<ModelVersion, Promise<KokoroModel>>();

  constructor(private readonly options: ModelManagerOptions = {}) {
    this.modelsDir = options.modelsDir ?? defaultModelsDir();
    checkLexicon(options.lexicon, 'lexicon');
  }

  /** The model of a version (`v1.0` or `v0.19`), loaded on first use. */
  getModel(version: ModelVersion = 'v1.0'): Promise<KokoroModel> {
    if (!Object.hasOwn(MODEL_VERSIONS, version)) {
      return Promise.reject(new KokoroError(ErrorCode.InvalidArgument,
        `unknown model version ${JSON.stringify(version)}; available: ${Object.keys(MODEL_VERSIONS).join(', ')}`));
    }
    let model = this.models.get(version);
    if (!model) {
      model = this.load(version);
      this.models.set(version, model);
      // A failed load is not cached: fixing the files and asking again works.
      model.catch(() => this.models.delete(version));
    }
    return model;
  }

  private async load(version: ModelVersion): Promise<KokoroModel> {
    const layout = MODEL_VERSIONS[version];
    const dir = join(this.modelsDir, layout.folder);
    const config = join(dir, 'config.json');
    const weights = join(dir, layout.checkpoint);
    for (const file of [config, weights]) {
      if (!existsSync(file)) {
        throw new KokoroError(ErrorCode.FileNotFound,
          `model ${version}: ${file} not found. Download the model with \`npx kokoro-native download ${version}\`, ` +
          `or put the files of hexgrad/Kokoro-82M there (config.json, ${layout.checkpoint}, voices/), ` +
          'or point modelsDir / KOKORO_MODELS_DIR at a folder that has them.');
      }
    }
    const { modelsDir: _modelsDir, lexicon, ...engine } = this.options;
    const kmodel = await KModel.load({ ...engine, config, weights, voiceRow: layout.voiceRow });
    return new KokoroModel(kmodel, join(dir, 'voices'), version, { lexicon });
  }

  /** Disposes every loaded model. */
  async dispose(): Promise<void> {
    const models = [...this.models.values()];
    this.models.clear();
    await Promise.allSettled(models.map(async (m) => (await m).dispose()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
