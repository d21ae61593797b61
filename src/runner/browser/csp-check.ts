/**
 * The page's proof that the runner worker is served with a Content-Security-Policy that keeps
 * learner code off the network, checked before any learner code runs (fail closed).
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
  'worker-src',
  'child-src',
  'frame-src',
  'img-src',
  'font-src',
  'media-src',
  'object-src',
  'style-src',
  'manifest-src',
];
const SCRIPT_SOURCES = new Set(["'self'", "'unsafe-eval'"]);

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
    const script = directives.get('script-src') ?? directives.get('script-src-elem');
    return !script || script.every((v) => SCRIPT_SOURCES.has(v));
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
