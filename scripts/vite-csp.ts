/**
 * Serves the runner worker (and the console's playground worker) with its own
 * Content-Security-Policy.
 *
 * A worker loaded from a URL obeys the CSP of its own script response, not the page's, and this
 * header is what stops learner code from reaching the network: `default-src 'none'` blocks fetch,
 * XHR, WebSocket, EventSource, importScripts and nested workers; `script-src 'self'` still lets the
 * worker import its own chunks; `'unsafe-eval'` is what SES's `Compartment.evaluate` needs.
 * The page checks the header of the worker script (a same-origin HEAD request,
 * src/runner/browser/csp-check.ts) before any learner code runs, and refuses to run without it.
 *
 * Dev serves the worker as `/src/runner/browser/worker.ts?worker_file&type=module`; a build names
 * it `assets/runner-worker-[hash].js` (set here) so preview and static hosts can match it.
 * The playground worker (the in-page Redis console) only runs typed Redis commands, but it gets
 * the same policy so nothing it hosts can reach the network either; a build names it
 * `assets/playground-worker-[hash].js` after its source file.
 * The plugin also pre-bundles the worker's dependencies in dev (see `config`).
 *
 * A build runs the runner worker from a `blob:` URL inside a sandboxed frame
 * (src/runner/browser/runner-frame-document.ts), where relative chunk imports cannot resolve and
 * the frame's policy allows no fetch: so every worker bundle is one self-contained file
 * (`codeSplitting: false`; the lessons' checks, loaded lazily, ride inside it). The header below
 * still guards the worker script's URL itself, which dev loads directly.
 */
import type { Plugin, PreviewServer, ViteDevServer } from 'vite';

/** The policy sent with the runner worker script. */
export const RUNNER_WORKER_CSP = "default-src 'none'; script-src 'self' 'unsafe-eval'";

/** Source path of the worker entry, relative to the project root. */
const WORKER_SOURCE = '/src/runner/browser/worker.ts';
/** Source path of the console's playground worker entry. */
const PLAYGROUND_SOURCE = '/src/runner/browser/playground-worker.ts';
/** Where a build puts the worker entry; `[hash]` keeps long-term caching. */
const WORKER_OUTPUT = 'assets/runner-worker-[hash].js';
const PLAYGROUND_OUTPUT = 'assets/playground-worker-[hash].js';
const BUILT_WORKER = /\/assets\/(?:runner|playground)-worker-[\w-]+\.js$/;
/** Patterns for static hosts' header files, one per worker. */
const STATIC_WORKER_PATTERNS = ['/assets/runner-worker-*', '/assets/playground-worker-*'];
/** Packages only the worker imports, so the dev server cannot discover them from the page. */
const WORKER_DEPENDENCIES = ['ioredis-mock', 'ses', 'sucrase', 'chai', '@ioredis/commands'];

/** True when a dev-server request path is the runner or playground worker script. */
export function isDevWorkerRequest(url: string, base = '/'): boolean {
  const [pathname, query = ''] = url.split('?', 2);
  const params = new URLSearchParams(query);
  const sources = [WORKER_SOURCE, PLAYGROUND_SOURCE].map((source) => joinBase(base, source));
  return sources.includes(pathname) && params.has('worker_file');
}

/** True when a preview / static request path is the built runner or playground worker script. */
export function isBuiltWorkerRequest(url: string, base = '/'): boolean {
  const pathname = url.split('?', 1)[0];
  return pathname.startsWith(joinBase(base, '/assets/')) && BUILT_WORKER.test(pathname);
}

/** A `_headers` file (Netlify and Cloudflare Pages format) carrying the workers' policy. */
export function staticHostHeaders(base = '/'): string {
  return STATIC_WORKER_PATTERNS.map(
    (pattern) => `${joinBase(base, pattern)}\n  Content-Security-Policy: ${RUNNER_WORKER_CSP}\n`,
  ).join('');
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
              codeSplitting: false,
              entryFileNames: (chunk) => {
                const source = chunk.facadeModuleId?.replaceAll('\\', '/');
                if (source?.endsWith(WORKER_SOURCE)) return WORKER_OUTPUT;
                if (source?.endsWith(PLAYGROUND_SOURCE)) return PLAYGROUND_OUTPUT;
                return 'assets/[name]-[hash].js';
              },
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
