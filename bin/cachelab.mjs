#!/usr/bin/env node
// The `cachelab` command. Node 20 cannot run TypeScript, so register sucrase-based hooks, then
// load the CLI from its .ts sources. No build step: this works right after `npm install`.
import './register-ts.mjs';

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
