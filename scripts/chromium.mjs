/**
 * How every Chromium run here starts: the e2e tests, the bench, and anything else that drives
 * Debian's Chromium through playwright-core. DEVELOPERS.md explains each flag. Nothing ever
 * downloads a browser.
 */
import { existsSync } from 'node:fs';

/** Flags for Debian's Chromium in a container; nothing reaches out to Google's services. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What to print when Chromium is missing. */
export const CHROMIUM_MISSING =
  'Chromium not found. Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)';

/** CHROMIUM_PATH, else /usr/bin/chromium, if it exists. */
export function findChromium() {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : undefined;
}
