import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { ErrorCode, KokoroError } from './errors.js';
import { MODEL_VERSIONS, defaultModelsDir, hubEndpoint, isOfflineMode, type ModelVersion } from './paths.js';

/** The Hugging Face repository of the official release. */
export const HUB_REPO = 'hexgrad/Kokoro-82M';

export interface DownloadProgress {
  file: string;
  received: number;
  total: number;
}

export interface DownloadOptions {
  /** Defaults to `v1.0`. */
  version?: ModelVersion;
  /** Voice names to fetch (e.g. `['af_heart', 'bf_emma']`); all voices by default. */
  voices?: string[];
  /** Defaults to `KOKORO_MODELS_DIR`, else the cache `$XDG_CACHE_HOME/kokoro-native`. */
  modelsDir?: string;
  /** Hub address; defaults to `HF_ENDPOINT`, else https://huggingface.co. */
  endpoint?: string;
  /** Git revision of the hub repository. Defaults to `main`. */
  revision?: string;
  /** Use what is in the cache only; never touch the network. Defaults to `KOKORO_OFFLINE` / `HF_HUB_OFFLINE`. */
  offline?: boolean;
  /** Attempts per file when the connection drops (each resumes where the last stopped). Defaults to 5. */
  retries?: number;
  onProgress?: (progress: DownloadProgress) => void;
}

interface RemoteFile {
  path: string;   // path in the repository, e.g. voices/af_heart.pt
  size: number;
  sha256?: string;
}

interface TreeEntry { type: string; path: string; size: number; lfs?: { oid: string; size: number } }

async function getJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new KokoroError(ErrorCode.DownloadFailed, `cannot reach ${url}: ${(error as Error).message}. ` +
      'Check the network (or HF_ENDPOINT), or use the files already cached with --offline.');
  }
  if (!response.ok) throw new KokoroError(ErrorCode.DownloadFailed, `${url} answered HTTP ${response.status}`);
  return response.json();
}

/** Lists the files of one folder of the hub repository, with sizes and LFS sha256 sums. */
async function listFolder(endpoint: string, revision: string, folder: string): Promise<RemoteFile[]> {
  const url = `${endpoint}/api/models/${HUB_REPO}/tree/${encodeURIComponent(revision)}${folder ? `/${folder}` : ''}`;
  const entries = await getJson(url) as TreeEntry[];
  if (!Array.isArray(entries)) throw new KokoroError(ErrorCode.DownloadFailed, `${url} did not return a file list`);
  return entries.filter((e) => e.type === 'file').map((e) => ({ path: e.path, size: e.size, sha256: e.lfs?.oid }));
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Fetches one file to `target`: into `target.part` (resumed with an HTTP range request when it
 * exists), checked (size, sha256 when the hub publishes it), then renamed into place.
 */
async function fetchFile(url: string, file: RemoteFile, target: string, retries: number,
  onProgress?: (p: DownloadProgress) => void): Promise<void> {
  const part = `${target}.part`;
  await mkdir(dirname(target), { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < retries; attempt++) {
    const have = existsSync(part) ? (await stat(part)).size : 0;
    if (have > file.size) await rm(part);
    const offset = have > file.size ? 0 : have;
    try {
      if (offset < file.size || file.size === 0) {
        const response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {} });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const resumed = response.status === 206;
        const handle = await open(part, resumed ? 'a' : 'w');
        let received = resumed ? offset : 0;
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            await handle.write(chunk);
            received += chunk.length;
            onProgress?.({ file: file.path, received, total: file.size });
          }
        } finally {
          await handle.close();
        }
      }
      const size = (await stat(part)).size;
      if (size !== file.size) {
        throw new Error(`got ${size} bytes, expected ${file.size}`);
      }
      if (file.sha256 && (await sha256Of(part)) !== file.sha256) {
        await rm(part, { force: true });
        throw new KokoroError(ErrorCode.DownloadFailed,
          `${file.path} from ${url} failed its integrity check (sha256 differs from the hub's); the partial file was deleted. Try again.`);
      }
      await rename(part, target);
      return;
    } catch (error) {
      lastError = error;
      if (error instanceof KokoroError) throw error;
    }
  }
  throw new KokoroError(ErrorCode.DownloadFailed,
    `downloading ${file.path} from ${url} failed after ${retries} attempts: ${(lastError as Error)?.message}. ` +
    `Run the download again to resume (the partial file is kept at ${part}).`);
}

/**
 * Downloads a model version (config, checkpoint, voices) from the Hugging Face hub into the
 * models folder layout that {@link ModelManager} reads. Files already present with the right
 * size are kept. Returns the version's folder.
 */
export async function downloadModel(options: DownloadOptions = {}): Promise<{ dir: string; files: string[] }> {
  const version = options.version ?? 'v1.0';
  const layout = MODEL_VERSIONS[version];
  if (!layout) throw new KokoroError(ErrorCode.InvalidArgument, `unknown model version ${JSON.stringify(version)}; available: ${Object.keys(MODEL_VERSIONS).join(', ')}`);
  const dir = join(options.modelsDir ?? defaultModelsDir(), layout.folder);
  const wanted = options.voices?.map((v) => v.trim()).filter(Boolean);
  if (options.offline ?? isOfflineMode()) {
    const needed = ['config.json', layout.checkpoint, ...(wanted ?? []).map((v) => `voices/${v}.pt`)];
    const missing = needed.filter((f) => !existsSync(join(dir, f)));
    if (missing.length > 0) {
      throw new KokoroError(ErrorCode.FileNotFound,
        `offline mode: ${missing.map((f) => join(dir, f)).join(', ')} not in the cache. Run the download once with network access.`);
    }
    return { dir, files: needed.map((f) => join(dir, f)) };
  }
  const endpoint = (options.endpoint ?? hubEndpoint()).replace(/\/+$/, '');
  const revision = options.revision ?? 'main';
  const root = await listFolder(endpoint, revision, '');
  const voices = await listFolder(endpoint, revision, 'voices');
  const pick = (path: string) => {
    const file = root.find((f) => f.path === path);
    if (!file) {
      throw new KokoroError(ErrorCode.DownloadFailed, `${HUB_REPO}@${revision} has no ${path}` +
        (version === 'v0.19' ? ' (v0.19 is not on the main branch: pass the revision of the v0.19 release)' : ''));
    }
    return file;
  };
  const files: RemoteFile[] = [pick('config.json'), pick(layout.checkpoint)];
  const available = voices.filter((v) => v.path.endsWith('.pt'));
  if (wanted) {
    for (const name of wanted) {
      const voice = available.find((v) => v.path === `voices/${name}.pt`);
      if (!voice) {
        throw new KokoroError(ErrorCode.VoiceNotFound, `${HUB_REPO} has no voice ${JSON.stringify(name)}; available: ` +
          available.map((v) => v.path.slice(7, -3)).join(', '));
      }
      files.push(voice);
    }
  } else {
    files.push(...available);
  }
  const written: string[] = [];
  for (const file of files) {
    const target = join(dir, file.path);
    written.push(target);
    if (existsSync(target) && (await stat(target)).size === file.size) continue;
    const url = `${endpoint}/${HUB_REPO}/resolve/${encodeURIComponent(revision)}/${file.path}`;
    await fetchFile(url, file, target, options.retries ?? 5, options.onProgress);
  }
  return { dir, files: written };
}
