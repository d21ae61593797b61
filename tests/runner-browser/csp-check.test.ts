import { describe, expect, it } from 'vitest';
import { RUNNER_WORKER_CSP } from '../../scripts/vite-csp.ts';
import {
  checkWorkerCsp,
  MISSING_CSP_MESSAGE,
  policyBlocksNetwork,
} from '../../src/runner/browser/csp-check.ts';

describe('policyBlocksNetwork', () => {
  it('accepts the policy the project serves, alone or beside another policy', () => {
    expect(policyBlocksNetwork(RUNNER_WORKER_CSP)).toBe(true);
    expect(policyBlocksNetwork(`upgrade-insecure-requests, ${RUNNER_WORKER_CSP}`)).toBe(true);
    expect(policyBlocksNetwork(`${RUNNER_WORKER_CSP}; connect-src 'none'`)).toBe(true);
  });

  it('accepts blob workers and one hashed inline script: both inherit or obey the same policy', () => {
    expect(policyBlocksNetwork(`${RUNNER_WORKER_CSP}; worker-src blob:`)).toBe(true);
    expect(policyBlocksNetwork("default-src 'none'; script-src 'sha256-AbC+/9=' blob:")).toBe(true);
    expect(policyBlocksNetwork("default-src 'none'; script-src 'sha256-AbC' 'nonce-x'")).toBe(
      false,
    );
  });

  it.each([
    ['no header', null],
    ['an empty header', ''],
    ['a policy without default-src', "script-src 'self' 'unsafe-eval'"],
    ['default-src that allows self', "default-src 'self'; script-src 'self' 'unsafe-eval'"],
    ['connect-src that reopens the network', `${RUNNER_WORKER_CSP}; connect-src *`],
    ['worker-src that allows workers from a URL', `${RUNNER_WORKER_CSP}; worker-src 'self' blob:`],
    [
      'script-src that allows a scheme',
      "default-src 'none'; script-src 'self' 'unsafe-eval' data:",
    ],
    ['script-src that allows another host', "default-src 'none'; script-src https://cdn.example"],
    [
      'a report-only style duplicate that loosens nothing but lacks default-src',
      "connect-src 'none'",
    ],
  ])('refuses %s', (_name, header) => {
    expect(policyBlocksNetwork(header)).toBe(false);
  });

  it('takes the first of duplicated directives, as browsers do', () => {
    expect(policyBlocksNetwork("default-src 'none'; default-src *")).toBe(true);
    expect(policyBlocksNetwork("default-src *; default-src 'none'")).toBe(false);
  });
});

describe('checkWorkerCsp', () => {
  const respond = (header: string | null) => async () =>
    new Response(null, { headers: header === null ? {} : { 'Content-Security-Policy': header } });

  it('passes a worker served with the policy, and fails closed without it', async () => {
    expect(await checkWorkerCsp('/w.js', respond(RUNNER_WORKER_CSP) as typeof fetch)).toBe(
      undefined,
    );
    expect(await checkWorkerCsp('/w.js', respond(null) as typeof fetch)).toBe(MISSING_CSP_MESSAGE);
  });

  it('fails closed when the check itself cannot be made', async () => {
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await checkWorkerCsp('/w.js', offline)).toMatch(/could not check its security header/);
  });
});
