/** A throwaway redis-server, as scripts/redis-server-process.mjs starts it. */
export interface RedisServerProcess {
  /** Its loopback port. */
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  /** Its process id. */
  pid: number;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}
export const INSTALL_HINT: string;
export function which(bin: string): string | null;
export function startRedisServer(extraArgs?: readonly string[]): Promise<RedisServerProcess>;
