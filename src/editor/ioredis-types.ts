/**
 * ioredis's own type definitions, as Monaco extra libs, so `redis.` completes real commands and
 * hovers show their signatures. Bundled with `?raw` into the lazy editor chunk (about 540 KB raw,
 * mostly RedisCommander.d.ts), never fetched from a CDN.
 *
 * Learner files `import type { Redis } from 'ioredis'`, so the files sit at the paths Node
 * module resolution would look at: /node_modules/ioredis/package.json and ./built/*.d.ts.
 */
import { SUPPORTED_COMMANDS } from '../redis/fidelity/engine.ts';
import { keepSupportedCommands, stripInternalMembers } from './completion-filter.ts';

const declarationFiles = import.meta.glob<string>('/node_modules/ioredis/built/**/*.d.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/**
 * ioredis imports a few Node built-ins in its types. There is deliberately no @types/node (the
 * sandbox has no Node APIs), so the ones that shape the client's surface get small stand-ins:
 * `EventEmitter` gives `redis.on(...)` a type; the rest only need to exist.
 */
const NODE_STAND_INS = `
declare module 'events' {
  class EventEmitter {
    on(event: string | symbol, listener: (...args: any[]) => void): this;
    once(event: string | symbol, listener: (...args: any[]) => void): this;
    off(event: string | symbol, listener: (...args: any[]) => void): this;
    addListener(event: string | symbol, listener: (...args: any[]) => void): this;
    removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
    removeAllListeners(event?: string | symbol): this;
    emit(event: string | symbol, ...args: any[]): boolean;
    listenerCount(event: string | symbol): number;
  }
  namespace EventEmitter { export { EventEmitter }; }
  export = EventEmitter;
}
declare module 'net' { export type Socket = any; export type IpcNetConnectOpts = any; export type TcpNetConnectOpts = any; }
declare module 'tls' { export type ConnectionOptions = any; export type TLSSocket = any; }
declare module 'dns' { export type SrvRecord = any; }
declare module 'stream' { export class Readable { constructor(options?: any); } export type ReadableOptions = any; }
declare module 'redis-errors' { export class RedisError extends Error {} export class AbortError extends RedisError {} }
`;

/**
 * The globals the sandbox gives learner code. The lib is ES2022 without DOM on purpose, so
 * `fetch`, `localStorage` and friends are not suggested: the sandbox blocks them.
 */
const SANDBOX_GLOBALS = `
declare const console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};
declare function setTimeout(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
`;

/** One extra lib for Monaco's TypeScript service. */
export interface ExtraLib {
  /** A `file:///` URI; its path decides how imports resolve. */
  filePath: string;
  /** The declaration text. */
  content: string;
}

/** Every extra lib the editor loads: ioredis's declarations, Node stand-ins and sandbox globals. */
export function ioredisExtraLibs(): ExtraLib[] {
  // Completions offer only what works here: no internal `_` members, and only the commands the
  // sandbox implements (the list comes from the fidelity engine, so it grows with it).
  const libs: ExtraLib[] = Object.entries(declarationFiles).map(([path, content]) => ({
    filePath: `file://${path}`,
    content: stripInternalMembers(
      path.endsWith('/RedisCommander.d.ts')
        ? keepSupportedCommands(content, SUPPORTED_COMMANDS)
        : content,
    ),
  }));
  libs.push(
    {
      filePath: 'file:///node_modules/ioredis/package.json',
      content: JSON.stringify({ name: 'ioredis', types: './built/index.d.ts' }),
    },
    {
      filePath: 'file:///node_modules/@types/cachelab-node-stand-ins/index.d.ts',
      content: NODE_STAND_INS,
    },
    {
      filePath: 'file:///node_modules/@types/cachelab-sandbox/index.d.ts',
      content: SANDBOX_GLOBALS,
    },
  );
  return libs;
}
