#!/usr/bin/env node
// `node bin/cachelab.mjs …` runs the `cachelab` command as well; the command itself, and the
// package's "bin", is bin/cachelab.cjs (why CommonJS: see there).
import './cachelab.cjs';
