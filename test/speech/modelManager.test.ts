import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { defaultModelsDir, ErrorCode, KokoroError, ModelManager } from '../../lib/index.js';
import { hasShared } from '../helpers/fixtures.js';
import { makeTinyModelsDir } from '../helpers/modelsDir.js';

describe('models folder', () => {
  it('comes from the option, else KOKORO_MODELS_DIR, else the XDG cache', () => {
    expect(defaultModelsDir({ KOKORO_MODELS_DIR: '/m' })).toBe('/m');
    expect(defaultModelsDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/kokoro-native');
    expect(defaultModelsDir({})).toBe(join(homedir(), '.cache', 'kokoro-native'));
    expect(new ModelManager({ modelsDir: '/x' }).modelsDir).toBe('/x');
  });

  it('names the missing files and how to get them', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kokoro-empty-'));
    const error = await new ModelManager({ modelsDir: empty }).getModel('v1.0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KokoroError);
    expect((error as KokoroError).code).toBe(ErrorCode.FileNotFound);
    expect((error as KokoroError).message).toContain(join(empty, 'v1_0', 'config.json'));
    expect((error as KokoroError).message).toContain('kokoro-native download v1.0');
  });

  it('rejects an unknown version', async () => {
    const error = await new ModelManager({ modelsDir: '/x' }).getModel('v9' as 'v1.0').catch((e: unknown) => e);
    expect((error as KokoroError).code).toBe(ErrorCode.InvalidArgument);
  });
});

describe.skipIf(!hasShared)('ModelManager with a models folder', () => {
  const manager = new ModelManager({ modelsDir: makeTinyModelsDir(), device: 'cpu', threads: 1 });
  afterAll(() => manager.dispose());

  it('loads a version once and shares it between concurrent callers', async () => {
    const [a, b] = await Promise.all([manager.getModel('v1.0'), manager.getModel('v1.0')]);
    expect(a).toBe(b);
    expect(await manager.getModel('v1.0')).toBe(a);
  });

  it('caches pipelines per language and validates codes', async () => {
    const model = await manager.getModel('v1.0');
    expect(await model.getPipeline('en-us')).toBe(await model.getPipeline('a'));
    await expect(model.getPipeline('xx')).rejects.toMatchObject({ code: ErrorCode.UnsupportedLanguage });
  });

  it('finds voices by name and mixes them as the weighted mean', async () => {
    const model = await manager.getModel('v1.0');
    const bella = await model.getVoice('af_bella');
    const sky = await model.getVoice('af_sky');
    const mix = await model.getVoice('af_bella(2)+af_sky(1)');
    const even = await model.getVoice('af_bella+af_sky');
    for (const i of [0, 1000, 130_000]) {
      expect(mix.data[i]).toBeCloseTo((2 * bella.data[i]! + sky.data[i]!) / 3, 6);
      expect(even.data[i]).toBeCloseTo((bella.data[i]! + sky.data[i]!) / 2, 6);
    }
    expect(await model.getVoice('af_bella')).toBe(bella);
  });

  it('names an unknown voice and where it looked', async () => {
    const model = await manager.getModel('v1.0');
    const error = await model.getVoice('zz_nobody').catch((e: unknown) => e);
    expect((error as KokoroError).code).toBe(ErrorCode.VoiceNotFound);
    expect((error as KokoroError).message).toContain('zz_nobody.pt');
  });
});
