// npm's postinstall of the installed package: builds the runner child's startup snapshot for
// this machine's Node (dist-cli/install-snapshot.mjs, src/cli/child-snapshot-install.ts), so the
// first `cachelab grade` of a fresh install (every CI machine) starts its runners from it. Best
// effort and silent: nothing here may fail an install. A checkout of the repository (which runs
// its TypeScript sources) and CACHELAB_SNAPSHOT=0 skip it.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const installer = new URL('../dist-cli/install-snapshot.mjs', import.meta.url);
try {
  if (!existsSync(sources) && existsSync(installer) && process.env.CACHELAB_SNAPSHOT !== '0') {
    await import(installer.href);
  }
} catch {
  // The first run builds the snapshot in the per-user cache instead.
}
