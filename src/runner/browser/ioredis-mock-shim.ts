/**
 * Globals that ioredis-mock 8.13.1's browser build expects but a Web Worker lacks (upstream #1465).
 * Import this module before `ioredis-mock`; ES modules evaluate in import order, so the worker entry
 * lists it first.
 *
 * - The build was bundled with `global=window`, so it reads a bare `window` at load time. In a
 *   worker the global object is `self`.
 * - It bundles ioredis 5.8+, which calls `require('fs')` and `require('path')` at load time; the
 *   build leaves both as external and falls back to a bare `require`, which a worker does not
 *   have. Nothing the mock uses touches them, so empty objects are enough. Any other name throws
 *   the same error the build would, so a new dependency shows up loudly instead of silently.
 *
 * Side effects of the build itself, worth knowing: loading it overwrites the global `Buffer` with
 * its bundled polyfill and installs a `setImmediate` polyfill. Neither reaches learner code, whose
 * Compartment only sees the globals the runner passes in.
 */

// Typed apart from the DOM/Node lib globals: in a worker neither `window` nor `require` exists.
const scope = globalThis as unknown as {
  window?: unknown;
  require?: (name: string) => unknown;
};

scope.window ??= scope;
scope.require ??= (name: string): unknown => {
  if (name === 'fs' || name === 'path') return {};
  throw new Error(`Dynamic require of "${name}" is not supported`);
};

export {};
