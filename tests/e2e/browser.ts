/**
 * Shared plumbing for the Chromium tests: launching the browser the way DEVELOPERS.md says,
 * the server under test, screenshots, and a loopback listener that counts every connection.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, findChromium } from '../../scripts/chromium.mjs';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Base URL of the `vite preview` server that scripts/e2e.mjs started (E2E_BASE_URL: Vitest itself sets BASE_URL to Vite's `base`). */
export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set; run the e2e tests with `npm run test:e2e`.');
  return url.replace(/\/+$/, '');
}

/** Launches Chromium from CHROMIUM_PATH (or /usr/bin/chromium). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium() ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    headless: true,
  });
}

/** Saves a PNG under .screenshots/ (kept out of git) and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  const dir = path.join(ROOT, '.screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** The folder the server under test serves (scripts/e2e.mjs builds into dist-e2e/). */
export function distDir(): string {
  return path.resolve(ROOT, process.env.E2E_DIST_DIR ?? 'dist');
}

/** Path of a built worker, e.g. "/assets/runner-worker-abc123.js" (or the playground one). */
export function builtWorkerPath(kind: 'runner' | 'playground' = 'runner', dir = distDir()): string {
  const assets = path.join(dir, 'assets');
  const pattern = new RegExp(`^${kind}-worker-[\\w-]+\\.js$`);
  const found = readdirSync(assets).filter((f) => pattern.test(f));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}-worker-*.js in ${assets}, found ${found.length}`);
  }
  return `/assets/${found[0]}`;
}

/** A loopback HTTP server that records every TCP connection and request made to it. */
export interface Listener {
  /** e.g. "http://127.0.0.1:40123". */
  url: string;
  /** The port it listens on. */
  port: number;
  /** TCP connections accepted (covers fetch, XHR, WebSocket, EventSource, imports, workers). */
  connections(): number;
  /** Request lines seen, e.g. "GET /fetch". */
  requests(): string[];
  /** Forgets what it saw. */
  reset(): void;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Starts a listener on 127.0.0.1 and a free port. It answers 200 with permissive CORS. */
export async function startListener(): Promise<Listener> {
  let connections = 0;
  let requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Content-Type': req.url?.endsWith('.js') ? 'text/javascript' : 'text/plain',
    });
    res.end(req.url?.endsWith('.js') ? 'self.reached = true;' : 'reached');
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket) => {
    requests.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    requests: () => [...requests],
    reset() {
      connections = 0;
      requests = [];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
