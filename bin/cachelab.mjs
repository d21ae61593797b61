#!/usr/bin/env node
// The `cachelab` command. The installed package runs its prebuilt JavaScript (dist-cli/, built by
// scripts/build-cli.mjs before packing). A checkout of the repository runs the TypeScript sources
// through sucrase hooks instead, so `npx cachelab` works straight after `npm install` and never
// runs a build older than the sources. CACHELAB_BUILD=1 runs the build in a checkout (benchmarks).
import { existsSync } from 'node:fs';

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
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: Boolean(process.stdin.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  signal: controller.signal,
});
