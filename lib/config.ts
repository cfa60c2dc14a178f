import { readFile } from 'node:fs/promises';

import { ErrorCode, KokoroError } from './errors.js';
import { withLegacyDefaults } from './legacyConfig.js';

/** The parts of a Kokoro `config.json` the runtime uses. */
export interface KokoroConfig {
  n_token: number;
  hidden_dim: number;
  style_dim: number;
  n_layer: number;
  max_dur: number;
  text_encoder_kernel_size: number;
  plbert: {
    hidden_size: number;
    num_attention_heads: number;
    intermediate_size: number;
    max_position_embeddings: number;
    num_hidden_layers: number;
  };
  istftnet: {
    upsample_kernel_sizes: number[];
    upsample_rates: number[];
    gen_istft_hop_size: number;
    gen_istft_n_fft: number;
    resblock_dilation_sizes: number[][];
    resblock_kernel_sizes: number[];
    upsample_initial_channel: number;
  };
  /** Phoneme (one Unicode character) to token id. */
  vocab: Record<string, number>;
}

const STRUCTURE_KEYS = [
  'resblock_kernel_sizes',
  'resblock_dilation_sizes',
  'upsample_rates',
  'upsample_kernel_sizes',
  'gen_istft_n_fft',
  'gen_istft_hop_size',
] as const;

/**
 * Upper bounds for sizes that cost run time without costing weights. ALBERT shares one layer's
 * weights across all its layers, so any `num_hidden_layers` loads, and each request then runs
 * that many layers (Kokoro uses 12; ALBERT's published configurations at most 24).
 */
const MAX_SIZES: Record<string, number> = { 'plbert.num_hidden_layers': 64 };

function fail(path: string, what: string): never {
  throw new KokoroError(
    ErrorCode.BadConfig,
    `${path}: ${what}. Use the config.json published with the model (hexgrad/Kokoro-82M).`,
  );
}

function requireNumber(path: string, value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(path, `'${name}' must be a positive integer`);
  const max = MAX_SIZES[name];
  if (max !== undefined && value > max) fail(path, `'${name}' is ${value}, more than the ${max} this runtime accepts`);
  return value;
}

/** Checks the shape of a parsed config.json; `path` is used in messages. */
export function validateConfig(raw: unknown, path: string): KokoroConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(path, 'not a JSON object');
  const c = withLegacyDefaults(raw as Record<string, unknown>);
  for (const key of ['n_token', 'hidden_dim', 'style_dim', 'n_layer', 'max_dur', 'text_encoder_kernel_size']) {
    requireNumber(path, c[key], key);
  }
  const plbert = c.plbert as Record<string, unknown> | undefined;
  if (typeof plbert !== 'object' || plbert === null) fail(path, "missing 'plbert' section");
  for (const key of ['hidden_size', 'num_attention_heads', 'intermediate_size', 'max_position_embeddings', 'num_hidden_layers']) {
    requireNumber(path, plbert[key], `plbert.${key}`);
  }
  const ist = c.istftnet as Record<string, unknown> | undefined;
  if (typeof ist !== 'object' || ist === null) fail(path, "missing 'istftnet' section");
  for (const key of [...STRUCTURE_KEYS, 'upsample_initial_channel']) {
    if (ist[key] === undefined) fail(path, `missing 'istftnet.${key}'`);
  }
  const vocab = c.vocab as Record<string, unknown> | undefined;
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab) || Object.keys(vocab).length === 0) {
    fail(path, "'vocab' must be a non-empty object mapping each phoneme symbol to its token id");
  }
  for (const [symbol, id] of Object.entries(vocab)) {
    if ([...symbol].length !== 1) fail(path, `vocab key ${JSON.stringify(symbol)} is not a single character`);
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= (c.n_token as number)) {
      fail(path, `vocab id of ${JSON.stringify(symbol)} must be an integer in [0, n_token)`);
    }
  }
  return c as unknown as KokoroConfig;
}

/** Reads and validates a config.json. */
export async function readConfig(path: string): Promise<KokoroConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new KokoroError(ErrorCode.FileNotFound, `config file not found: ${path}. Download the model's config.json (hexgrad/Kokoro-82M) or fix the path.`);
    }
    throw new KokoroError(ErrorCode.FileUnreadable, `cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KokoroError(ErrorCode.BadConfig, `${path} is not valid JSON (${(error as Error).message}). Re-download config.json.`);
  }
  return validateConfig(parsed, path);
}

/** The config's structure key; equals StructureConfig.key() of models/kokoro_ts. */
export function structureKey(config: KokoroConfig): string {
  const parts = [`n_layer=${config.n_layer}`];
  for (const key of STRUCTURE_KEYS) parts.push(`${key}=${JSON.stringify(config.istftnet[key])}`);
  return parts.join(';');
}

/** Named sizes of the architecture's shape spec that come from config.json. */
export function configSizes(config: KokoroConfig): Record<string, number> {
  return {
    n_token: config.n_token,
    hidden_dim: config.hidden_dim,
    style_dim: config.style_dim,
    max_dur: config.max_dur,
    text_encoder_kernel_size: config.text_encoder_kernel_size,
    'plbert.hidden_size': config.plbert.hidden_size,
    'plbert.intermediate_size': config.plbert.intermediate_size,
    'plbert.max_position_embeddings': config.plbert.max_position_embeddings,
    'istftnet.upsample_initial_channel': config.istftnet.upsample_initial_channel,
  };
}
