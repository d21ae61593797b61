/**
 * The page's proof that the runner worker obeys a Content-Security-Policy that keeps learner code
 * off the network, checked before any learner code runs (fail closed).
 *
 * A built app hosts the worker in a sandboxed frame whose policy the page writes itself
 * (runner-frame-document.ts); the page checks that policy with `policyBlocksNetwork`, and the
 * frame proves its sandbox by reporting an opaque origin (frame-worker.ts). The dev server has no
 * single-file worker bundle, so there the worker is still a module worker loaded from its URL,
 * and the header check below is what holds.
 *
 * The worker used to prove it from the inside, by trying a request and waiting for the
 * violation. Every such probe is also logged by Chromium as a console error (four per page load,
 * which costs Lighthouse's best-practices score), and a worker has no API to read its own policy.
 * So the page asks the server for the worker script's headers (a same-origin HEAD request, no
 * body) and parses the policy: it must make every fetch directive 'none' except script-src,
 * which may only name 'self' and 'unsafe-eval'. A worker obeys the policy of its own script
 * response, which is this response.
 */

/** Directives that reach the network or start other contexts; each must be 'none'. */
const FETCH_DIRECTIVES = [
  'connect-src',
  'child-src',
  'frame-src',
  'img-src',
  'font-src',
  'media-src',
  'object-src',
  'style-src',
  'manifest-src',
];
/**
 * Script sources that cannot reach another host: the worker's own origin, eval (SES needs it),
 * `blob:` (a blob worker or module inherits this same policy, so it is as cut off as its creator)
 * and the hash of one inline script.
 */
const SCRIPT_SOURCES = new Set(["'self'", "'unsafe-eval'", 'blob:']);
const SCRIPT_HASH = /^'sha(256|384|512)-[A-Za-z0-9+/]+={0,2}'$/;
/** worker-src may only start blob workers, which inherit the policy (or none at all). */
const WORKER_SOURCES = new Set(["'none'", 'blob:']);

/** True when one policy (of a possibly comma-joined header) keeps a worker off the network. */
export function policyBlocksNetwork(header: string | null): boolean {
  if (!header) return false;
  return header.split(',').some((policy) => {
    const directives = new Map<string, string[]>();
    for (const part of policy.split(';')) {
      const [name, ...values] = part.trim().toLowerCase().split(/\s+/);
      // The first occurrence of a directive wins; later duplicates are ignored (CSP3).
      if (name && !directives.has(name)) directives.set(name, values);
    }
    const fallback = directives.get('default-src');
    if (!fallback || fallback.length !== 1 || fallback[0] !== "'none'") return false;
    for (const name of FETCH_DIRECTIVES) {
      const values = directives.get(name);
      if (values && !(values.length === 1 && values[0] === "'none'")) return false;
    }
    const workers = directives.get('worker-src');
    if (workers && !workers.every((v) => WORKER_SOURCES.has(v))) return false;
    const script = directives.get('script-src') ?? directives.get('script-src-elem');
    return !script || script.every((v) => SCRIPT_SOURCES.has(v) || SCRIPT_HASH.test(v));
  });
}

/** The message the runner shows when the header is missing or too weak. */
export const MISSING_CSP_MESSAGE =
  "The runner is switched off because the site's Content-Security-Policy header for the " +
  'runner worker is missing, so learner code could reach the network. Serve the worker ' +
  "script with \"Content-Security-Policy: default-src 'none'; script-src 'self' 'unsafe-eval'\" " +
  '(see docs/deploy.md).';

/** Resolves to undefined when `url` is served with a policy that blocks the network, else a reason. */
export async function checkWorkerCsp(
  url: string | URL,
  fetchImpl: typeof fetch = fetch,
): Promise<string | undefined> {
  try {
    const response = await fetchImpl(url, { method: 'HEAD', cache: 'no-store' });
    return policyBlocksNetwork(response.headers.get('content-security-policy'))
      ? undefined
      : MISSING_CSP_MESSAGE;
  } catch (error) {
    return `The runner could not check its security header: ${String(error)}`;
  }
}
