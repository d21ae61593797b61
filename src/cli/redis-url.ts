/** `verify --redis <url>`: the URL, parsed without loading ioredis (main.ts imports this eagerly). */

/** A bad `--redis` URL or an unreachable server: a usage problem (exit 2), not a lesson's. */
export class ServerError extends Error {
  constructor(message: string) {
    super(message);
    // main.ts tells exit-2 errors apart by name, so that it need not load this module to do so.
    this.name = 'ServerError';
  }
}

/** A parsed `--redis` URL. */
export interface ServerTarget {
  /** The URL as given. */
  url: string;
  /** The URL without a password, for reports. */
  display: string;
  /** The database its path selects. */
  db: number;
}

/** Parses `redis://[user:pass@]host[:port][/db]`; the path picks the database (default 0). */
export function parseRedisUrl(url: string): ServerTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ServerError(`--redis needs a URL like redis://127.0.0.1:6379/15, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new ServerError(
      `--redis needs a redis:// or rediss:// URL, got "${url}" (e.g. redis://127.0.0.1:6379/15)`,
    );
  if (!parsed.hostname) throw new ServerError(`--redis URL "${url}" has no host`);
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path))
    throw new ServerError(
      `the path of the --redis URL picks the database and must be a number, got "/${path}"`,
    );
  const display = new URL(url);
  if (display.password) display.password = '***';
  return { url, display: display.toString(), db: path === '' ? 0 : Number(path) };
}
