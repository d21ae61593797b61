// Entry of the CLI's runner thread: the TypeScript hooks first, then the worker itself.
import './register-ts.mjs';

await import('../src/cli/node-worker.ts');
