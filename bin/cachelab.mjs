#!/usr/bin/env node
// The `cachelab` command. The installed package runs its prebuilt JavaScript (dist-cli/, built by
// scripts/build-cli.mjs before packing). A checkout of the repository runs the TypeScript sources
// through sucrase hooks instead, so `npx cachelab` works straight after `npm install` and never
// runs a build older than the sources. CACHELAB_BUILD=1 runs the build in a checkout (benchmarks).
import { existsSync } from 'node:fs';
import { isatty } from 'node:tty';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist-cli/cachelab.mjs', import.meta.url);
const useBuild =
  existsSync(new URL('../dist-cli/build.json', import.meta.url)) &&
  (process.env.CACHELAB_BUILD === '1' || !existsSync(sources));

let main;
if (useBuild) {
  ({ main } = await import(built.href));
} else {
  await import('./register-ts.mjs');
  ({ main } = await import(sources.href));
}
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) {
  // `verify --watch` gets a moment to stop cleanly (its runner children with it); anything else
  // ends as a signal would have ended it.
  process.once(signal, () => {
    controller.abort();
    setTimeout(() => process.exit(130), 500).unref();
  });
}
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // A getter: stdin is opened only by the command that reads it (`cachelab cli`).
  get stdin() {
    return process.stdin;
  },
  isTTY: isatty(0),
  stderrIsTTY: isatty(2),
  signal: controller.signal,
});
// The command is done once main resolves: exit as soon as what it wrote has been flushed,
// instead of waiting for the event loop to notice that killed runner children have exited.
process.exitCode = code;
let unflushed = 2;
const flushed = () => {
  if (--unflushed === 0) process.exit(code);
};
process.stdout.write('', flushed);
process.stderr.write('', flushed);
