/**
 * Which runner child entry the CLI starts. From the TypeScript sources that is the pool's default
 * (bin/runner-child.mjs, which registers the TypeScript hooks); from the build (dist-cli/, see
 * scripts/build-cli.mjs) it is the bundled child next to this module (child-snapshot.ts), which
 * needs no hooks and can also be started from its startup snapshot.
 */
import { fileURLToPath } from 'node:url';

/** The bundled child when running from the build, else undefined (the pool's default). */
export function builtChildEntry(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts')
    ? undefined
    : fileURLToPath(new URL('./runner-child.cjs', import.meta.url));
}
