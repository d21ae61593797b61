import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { policyBlocksNetwork } from '../../src/runner/browser/csp-check.ts';
import {
  FRAME_SCRIPT,
  FRAME_SCRIPT_SHA256,
  RUNNER_FRAME_DOCUMENT,
  RUNNER_FRAME_POLICY,
  RUNNER_FRAME_SANDBOX,
} from '../../src/runner/browser/runner-frame-document.ts';

describe('the runner frame document', () => {
  it("allows exactly its own script: the policy's hash is the script's SHA-256", () => {
    const actual = createHash('sha256').update(FRAME_SCRIPT).digest('base64');
    expect(FRAME_SCRIPT_SHA256).toBe(actual);
    expect(RUNNER_FRAME_POLICY).toContain(`'sha256-${actual}'`);
    // Control: any edit of the script changes the hash the policy would have to name.
    const edited = createHash('sha256').update(`${FRAME_SCRIPT};`).digest('base64');
    expect(edited).not.toBe(FRAME_SCRIPT_SHA256);
  });

  it('keeps its workers off the network, as the page checks before any run', () => {
    expect(policyBlocksNetwork(RUNNER_FRAME_POLICY)).toBe(true);
    // Controls: the same policy with the network reopened, or any script host, is refused.
    expect(policyBlocksNetwork(`${RUNNER_FRAME_POLICY.replace("'none'", '*')}`)).toBe(false);
    expect(policyBlocksNetwork(`${RUNNER_FRAME_POLICY} https://cdn.example`)).toBe(false);
  });

  it('puts the policy before the script, and sandboxes without same-origin', () => {
    const policyAt = RUNNER_FRAME_DOCUMENT.indexOf('http-equiv="Content-Security-Policy"');
    const scriptAt = RUNNER_FRAME_DOCUMENT.indexOf('<script>');
    expect(policyAt).toBeGreaterThan(-1);
    expect(policyAt).toBeLessThan(scriptAt);
    expect(RUNNER_FRAME_DOCUMENT).toContain(`<script>${FRAME_SCRIPT}</script>`);
    // The policy must survive as one attribute value, and the script as one element.
    expect(RUNNER_FRAME_POLICY).not.toMatch(/["<>]/);
    expect(FRAME_SCRIPT).not.toMatch(/<\/script/i);
    expect(RUNNER_FRAME_SANDBOX.split(/\s+/)).toEqual(['allow-scripts']);
  });
});
