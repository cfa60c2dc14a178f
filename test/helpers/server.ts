import { createServer, ModelManager, type KokoroModel, type KokoroServer, type ServerOptions } from '../../lib/index.js';
import { makeTinyModelsDir } from './modelsDir.js';

/** One tiny model shared by the servers of a test file (each server would otherwise load its own). */
export async function tinyModel(): Promise<{ manager: ModelManager; model: KokoroModel; modelsDir: string }> {
  const modelsDir = makeTinyModelsDir();
  const manager = new ModelManager({ modelsDir, device: 'cpu', threads: 1 });
  return { manager, model: await manager.getModel('v1.0'), modelsDir };
}

/** A listening server on a free loopback port. */
export async function startServer(shared: { model: KokoroModel; modelsDir: string }, options: ServerOptions = {}): Promise<{ server: KokoroServer; url: string }> {
  const server = createServer({ model: shared.model, modelsDir: shared.modelsDir, host: '127.0.0.1', port: 0, ...options });
  const url = await server.listen();
  await server.whenReady();
  return { server, url };
}

/** The value of one sample in Prometheus text (0 when absent). */
export async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Text of `n` short sentences (one chunk each). */
export function sentences(n: number): string {
  return Array.from({ length: n }, (_, i) => `This is sentence number ${i + 1} of the test.`).join(' ');
}
