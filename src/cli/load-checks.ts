/**
 * Loads a lesson's `checks.ts` (the course's or an author's) in Node without a TypeScript loader
 * hook: sucrase turns the file into CommonJS, and `cachelab/checks` resolves to the checks API this
 * process already holds. The prebuilt CLI has no hooks at all, so this is the one way checks are
 * loaded, from the sources and from the package alike.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { transform } from 'sucrase';
import * as checksApi from '../runner/checks-api.ts';
import type { CheckSuite } from '../runner/checks-api.ts';

/** A module as the CommonJS wrapper leaves it. */
interface LoadedModule {
  exports: Record<string, unknown>;
}

// Transpiled modules by path, valid while the file's size and mtime are unchanged, so `verify
// --watch` and long-lived workers see an edited checks.ts while repeat loads cost nothing.
const cache = new Map<string, { stamp: string; module: LoadedModule }>();

function stampOf(file: string): string {
  const stat = statSync(file);
  return `${stat.size}:${stat.mtimeMs}`;
}

const TS_EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs'];

function resolveRelative(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const ext of TS_EXTENSIONS) {
    const candidate = base + ext;
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next extension
    }
  }
  throw new Error(`Cannot find module "${specifier}" imported from ${from}`);
}

/** A module's body as a function of its CommonJS wrapper's arguments; each call evaluates it afresh. */
type ModuleBody = (
  require: (specifier: string) => unknown,
  exports: object,
  module: object,
) => void;

/** A transpiled module, and its body once compiled. */
interface Transpiled {
  stamp: string;
  code: string;
  body?: ModuleBody;
}

// Transpiled sources by path, on the same size-and-mtime stamp: a runner child's startup
// snapshot fills it for the built-in course (pretranspile), so its first run skips sucrase.
const transpiled = new Map<string, Transpiled>();

function transpile(file: string, stamp: string): Transpiled {
  const hit = transpiled.get(file);
  if (hit && hit.stamp === stamp) return hit;
  const { code } = transform(readFileSync(file, 'utf8'), {
    transforms: ['typescript', 'imports'],
    filePath: file,
  });
  const entry: Transpiled = { stamp, code };
  transpiled.set(file, entry);
  return entry;
}

/**
 * Compiles a module's body, with stack frames that name its file (sucrase keeps lines; the
 * Function constructor's own header puts them two lower). checks.ts is the course author's code,
 * trusted like the course itself.
 */
function compile(file: string, code: string): ModuleBody {
  return new Function(
    'require',
    'exports',
    'module',
    `${code}\n//# sourceURL=${file}`,
  ) as ModuleBody;
}

/**
 * Transpiles and compiles `file` now, so that loading it later costs neither sucrase nor a
 * compile while it is unchanged. A runner child's startup snapshot calls this before lockdown.
 * Decision: after lockdown `Function` is SES's safe-eval constructor, which compiled each
 * checks.ts through its scope proxy (about 15 ms per run of a fresh child) and then ran it
 * behind that proxy; compiled before lockdown, the same trusted text runs as plain host code,
 * as the runner's own modules do. Each run still calls the body afresh, with its own exports.
 */
export function pretranspile(file: string): void {
  const absolute = path.resolve(file);
  const entry = transpile(absolute, stampOf(absolute));
  entry.body ??= compile(absolute, entry.code);
}

function loadModule(file: string, loading: Set<string>): LoadedModule {
  const stamp = stampOf(file);
  const cached = cache.get(file);
  if (cached && cached.stamp === stamp) return cached.module;
  if (loading.has(file)) throw new Error(`Import cycle through ${file}`);
  loading.add(file);
  try {
    const entry = transpile(file, stamp);
    const module: LoadedModule = { exports: {} };
    // Made on first use: most checks import only cachelab/checks and their own files.
    let nodeRequire: NodeJS.Require | undefined;
    const require = (specifier: string): unknown => {
      if (specifier === 'cachelab/checks') return checksApi;
      if (specifier.startsWith('./') || specifier.startsWith('../'))
        return loadModule(resolveRelative(file, specifier), loading).exports;
      nodeRequire ??= createRequire(file);
      return nodeRequire(specifier);
    };
    const body = entry.body ?? compile(file, entry.code);
    body(require, module.exports, module);
    cache.set(file, { stamp, module });
    return module;
  } finally {
    loading.delete(file);
  }
}

/** Loads `checks.ts` at `file` and returns its default export, checked to be a suite. */
export function loadCheckSuite(file: string, label = file): CheckSuite<unknown> {
  const module = loadModule(path.resolve(file), new Set());
  const suite = module.exports.default as CheckSuite<unknown> | undefined;
  if (!suite || !Array.isArray(suite.checks))
    throw new Error(`${label} must export default defineChecks({ ... })`);
  return suite;
}

/** The check names of a lesson's `checks.ts`, in order (for reports of runs that were cut short). */
export function checkNamesOf(file: string): string[] {
  return loadCheckSuite(file).checks.map((check) => check.name);
}
