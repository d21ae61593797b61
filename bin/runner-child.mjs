// Entry of a runner child process when the CLI runs from its TypeScript sources: the hooks
// first, then the child itself (src/cli/runner-child.ts). The CLI's build bundles that file
// instead, and the pool is pointed at the bundle.
import './register-ts.mjs';

await import('../src/cli/runner-child.ts');
