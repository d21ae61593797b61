// Registers the TypeScript hooks for this thread. Imported first by the CLI and by every worker.
import { register } from 'node:module';

const KEY = Symbol.for('cachelab.tsHooks');
if (!globalThis[KEY]) {
  register('./ts-hooks.mjs', import.meta.url);
  Object.defineProperty(globalThis, KEY, { value: true });
}
