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

const args = process.argv.slice(2);

/**
 * A one-file `grade` starts its runner child first (src/cli/prestart.ts), so the child's Node
 * boots on the other core while this process loads the CLI. Best effort: without it (a build
 * from before it existed) the pool starts the child as it always did.
 */
async function prestartFrom(module) {
  if (args[0] !== 'grade') return undefined;
  try {
    const { prestart } = await import(new URL(module, import.meta.url).href);
    return prestart(args, process.cwd());
  } catch {
    return undefined;
  }
}

let main;
let prestarted;
if (useBuild) {
  prestarted = await prestartFrom('../dist-cli/prestart.mjs');
  ({ main } = await import(built.href));
} else {
  await import('./register-ts.mjs');
  prestarted = await prestartFrom('../src/cli/prestart.ts');
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
const code = await main(args, {
  stdout: process.stdout,
  stderr: process.stderr,
  // A getter: stdin is opened only by the command that reads it (`cachelab cli`).
  get stdin() {
    return process.stdin;
  },
  isTTY: isatty(0),
  stderrIsTTY: isatty(2),
  signal: controller.signal,
  prestarted,
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
