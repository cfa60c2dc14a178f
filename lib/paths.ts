import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The models folder: the constructor option, else `KOKORO_MODELS_DIR`, else the download cache
 * `$XDG_CACHE_HOME/kokoro-native` (default `~/.cache/kokoro-native`). Every environment variable
 * the package reads is read here.
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KOKORO_MODELS_DIR) return env.KOKORO_MODELS_DIR;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'kokoro-native');
}

/** The Hugging Face hub address: `HF_ENDPOINT` (the conventional override), else the public hub. */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_ENDPOINT || 'https://huggingface.co';
}

/** Offline mode (cache only): `KOKORO_OFFLINE=1` or Hugging Face's `HF_HUB_OFFLINE=1`. */
export function isOfflineMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes'].includes((env.KOKORO_OFFLINE ?? env.HF_HUB_OFFLINE ?? '').toLowerCase());
}

/** A specific addon file to load instead of the package's build or prebuild (diagnostics). */
export function nativeAddonOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.KOKORO_NATIVE_ADDON || undefined;
}

/** Model versions and where their files live inside a models folder (the Hugging Face layout). */
export const MODEL_VERSIONS = {
  'v1.0': { folder: 'v1_0', checkpoint: 'kokoro-v1_0.pth', voiceRow: 'codepoints' },
  'v0.19': { folder: 'v0_19', checkpoint: 'kokoro-v0_19.pth', voiceRow: 'tokens' },
} as const;

export type ModelVersion = keyof typeof MODEL_VERSIONS;
