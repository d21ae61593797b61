/**
 * Serves the runner worker with its own Content-Security-Policy.
 *
 * A worker loaded from a URL obeys the CSP of its own script response, not the page's, and this
 * header is what stops learner code from reaching the network: `default-src 'none'` blocks fetch,
 * XHR, WebSocket, EventSource, importScripts and nested workers; `script-src 'self'` still lets the
 * worker import its own chunks; `'unsafe-eval'` is what SES's `Compartment.evaluate` needs.
 * The worker checks at start-up that the header took effect and refuses to run otherwise.
 *
 * Dev serves the worker as `/src/runner/browser/worker.ts?worker_file&type=module`; a build names
 * it `assets/runner-worker-[hash].js` (set here) so preview and static hosts can match it.
 * The plugin also pre-bundles the worker's dependencies in dev (see `config`).
 */
import type { Plugin, PreviewServer, ViteDevServer } from 'vite';

/** The policy sent with the runner worker script. */
export const RUNNER_WORKER_CSP = "default-src 'none'; script-src 'self' 'unsafe-eval'";

/** Source path of the worker entry, relative to the project root. */
const WORKER_SOURCE = '/src/runner/browser/worker.ts';
/** Where a build puts the worker entry; `[hash]` keeps long-term caching. */
const WORKER_OUTPUT = 'assets/runner-worker-[hash].js';
const BUILT_WORKER = /\/assets\/runner-worker-[\w-]+\.js$/;
/** Packages only the worker imports, so the dev server cannot discover them from the page. */
const WORKER_DEPENDENCIES = ['ioredis-mock', 'ses', 'sucrase', 'chai', '@ioredis/commands'];

/** True when a dev-server request path is the runner worker script. */
export function isDevWorkerRequest(url: string, base = '/'): boolean {
  const [pathname, query = ''] = url.split('?', 2);
  const params = new URLSearchParams(query);
  return pathname === joinBase(base, WORKER_SOURCE) && params.has('worker_file');
}

/** True when a preview / static request path is the built runner worker script. */
export function isBuiltWorkerRequest(url: string, base = '/'): boolean {
  const pathname = url.split('?', 1)[0];
  return pathname.startsWith(joinBase(base, '/assets/')) && BUILT_WORKER.test(pathname);
}

/** A `_headers` file (Netlify and Cloudflare Pages format) carrying the worker's policy. */
export function staticHostHeaders(base = '/'): string {
  return `${joinBase(base, '/assets/runner-worker-*')}\n  Content-Security-Policy: ${RUNNER_WORKER_CSP}\n`;
}

function joinBase(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** The Vite plugin: header in dev and preview, a stable worker file name, and `dist/_headers`. */
export function runnerWorkerCsp(): Plugin {
  let base = '/';
  return {
    name: 'cachelab:runner-worker-csp',
    config() {
      return {
        // Pre-bundle the worker's dependencies at dev start-up. Found late (on the first Run),
        // they make Vite re-optimize and reload the page in the middle of the learner's run.
        optimizeDeps: { include: WORKER_DEPENDENCIES },
        worker: {
          rolldownOptions: {
            output: {
              entryFileNames: (chunk) =>
                chunk.facadeModuleId?.replaceAll('\\', '/').endsWith(WORKER_SOURCE)
                  ? WORKER_OUTPUT
                  : 'assets/[name]-[hash].js',
            },
          },
        },
      };
    },
    configResolved(config) {
      base = config.base;
    },
    configureServer(server: ViteDevServer) {
      server.middlewares.use((req, res, next) => {
        if (req.url && isDevWorkerRequest(req.url, base)) {
          res.setHeader('Content-Security-Policy', RUNNER_WORKER_CSP);
        }
        next();
      });
    },
    configurePreviewServer(server: PreviewServer) {
      server.middlewares.use((req, res, next) => {
        if (req.url && isBuiltWorkerRequest(req.url, base)) {
          res.setHeader('Content-Security-Policy', RUNNER_WORKER_CSP);
        }
        next();
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: staticHostHeaders(base) });
    },
  };
}
