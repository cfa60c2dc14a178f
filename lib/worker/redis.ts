import { ErrorCode, KokoroError } from '../errors.js';

/** ioredis connection options from a `redis://[user:password@]host[:port][/db]` (or `rediss://`) URL. */
export function redisConnection(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KokoroError(ErrorCode.InvalidArgument, `--redis ${JSON.stringify(url)} is not a URL: write redis://host:6379`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new KokoroError(ErrorCode.InvalidArgument, `--redis ${url}: the scheme must be redis:// or rediss://`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db ? Number(db) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's workers block on Redis; ioredis must not give up on their commands.
    maxRetriesPerRequest: null,
  };
}
