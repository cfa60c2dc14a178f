import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFile { path: string; bytes: Buffer; lfs?: boolean }

export interface HubServer {
  endpoint: string;
  /** Requests served, as "METHOD path range". */
  log: string[];
  /** Paths whose first full download is cut after this many bytes (connection destroyed). */
  dropAfter: Map<string, number>;
  /** Paths served with altered bytes (the listing keeps the true sha256). */
  corrupt: Set<string>;
  close(): Promise<void>;
}

/**
 * A stand-in for the Hugging Face hub on loopback: the tree API (sizes and LFS sha256 sums) and
 * `/<repo>/resolve/<revision>/<path>` with HTTP range requests.
 */
export async function startHubServer(repo: string, files: HubFile[]): Promise<HubServer> {
  const log: string[] = [];
  const dropAfter = new Map<string, number>();
  const corrupt = new Set<string>();
  const server: Server = createServer((request, response) => {
    const url = decodeURIComponent(request.url ?? '');
    log.push(`${request.method} ${url} ${request.headers.range ?? ''}`.trim());
    const tree = new RegExp(`^/api/models/${repo}/tree/[^/]+/?(.*)$`).exec(url);
    if (tree) {
      const folder = tree[1] ?? '';
      const entries = files.filter((f) => (folder ? f.path.startsWith(`${folder}/`) : !f.path.includes('/')))
        .map((f) => ({
          type: 'file', path: f.path, size: f.bytes.length,
          ...(f.lfs ? { lfs: { oid: createHash('sha256').update(f.bytes).digest('hex'), size: f.bytes.length } } : {}),
        }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entries));
      return;
    }
    const resolve = new RegExp(`^/${repo}/resolve/[^/]+/(.+)$`).exec(url);
    const file = resolve && files.find((f) => f.path === resolve[1]);
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    let bytes = file.bytes;
    if (corrupt.has(file.path)) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length >> 1] ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const body = bytes.subarray(start);
    response.writeHead(range ? 206 : 200, {
      'content-length': body.length,
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    const cut = dropAfter.get(file.path);
    if (cut !== undefined && !range) {
      dropAfter.delete(file.path);
      response.write(body.subarray(0, cut), () => response.socket?.destroy());
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`, log, dropAfter, corrupt,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function fileFrom(path: string, source: string, lfs = true): HubFile {
  return { path, bytes: readFileSync(source), lfs };
}
