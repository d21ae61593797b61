#!/bin/sh
//bin/true 2>/dev/null; [ "$1" = grade ] && unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"
// Run as a command (npx, node_modules/.bin), the two lines above are a shell script that runs
// this file with `node`; to Node the second line is a comment. It exists for one-file `grade`:
// Node parses the whole NODE_EXTRA_CA_CERTS bundle before running any JavaScript, which cost 100
// of the 140 ms of `node -e 0` on a machine that sets it, and `grade` never opens a network
// connection (learner code gets none, and `--redis` is verify's), so `grade` starts without it.
// Every other command keeps it: `verify --redis rediss://…` may need it. (`//bin/true` is
// /bin/true to the shell; where it does not exist, its error is discarded.)
//
// The `cachelab` command (package.json "bin"). The installed package runs its prebuilt JavaScript
// (dist-cli/, built by scripts/build-cli.mjs before packing). A checkout of the repository runs
// the TypeScript sources through sucrase hooks instead, so `npx cachelab` works straight after
// `npm install` and never runs a build older than the sources. CACHELAB_BUILD=1 runs the build in
// a checkout (benchmarks).
//
// CommonJS, unlike the rest of the package: Node starts a CommonJS entry without first setting
// up its ES module loader, so a one-file `grade` spawns its runner child several ms sooner (the
// loader is set up afterwards, when the CLI loads, while the child boots). bin/cachelab.mjs
// runs this file too, for whoever calls that path.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry, for the reason above */
const { existsSync } = require('node:fs');
const path = require('node:path');
const { isatty } = require('node:tty');
const { pathToFileURL } = require('node:url');

const sources = path.join(__dirname, '../src/cli/main.ts');
const built = path.join(__dirname, '../dist-cli/cachelab.mjs');
const useBuild =
  existsSync(path.join(__dirname, '../dist-cli/build.json')) &&
  (process.env.CACHELAB_BUILD === '1' || !existsSync(sources));

const args = process.argv.slice(2);

/**
 * A one-file `grade` starts its runner child first (src/cli/prestart.ts), so the child's Node
 * boots on the other core while this process loads the CLI. The build's is one CommonJS file,
 * required synchronously: spawning then waits for one file read, not for an ES module graph.
 * Best effort: without it (a build from before it existed) the pool starts the child as it
 * always did.
 */
async function prestartFrom(file) {
  if (args[0] !== 'grade') return undefined;
  try {
    const { prestart } = file.endsWith('.cjs')
      ? require(file)
      : await import(pathToFileURL(file).href);
    return prestart(args, process.cwd());
  } catch {
    return undefined;
  }
}

async function run() {
  let main;
  let prestarted;
  if (useBuild) {
    prestarted = await prestartFrom(path.join(__dirname, '../dist-cli/prestart.cjs'));
    ({ main } = await import(pathToFileURL(built).href));
  } else {
    await import('./register-ts.mjs');
    prestarted = await prestartFrom(path.join(__dirname, '../src/cli/prestart.ts'));
    ({ main } = await import(pathToFileURL(sources).href));
  }
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    // `verify --watch` gets a moment to stop cleanly (its runner children with it); anything
    // else ends as a signal would have ended it.
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
}

run().catch((error) => {
  // What main itself throws (a bug, not a usage error): reported as Node reports an uncaught one.
  process.exitCode = 1;
  throw error;
});
