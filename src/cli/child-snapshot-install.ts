/**
 * Entry of dist-cli/install-snapshot.mjs, run by bin/postinstall.mjs when the package is
 * installed: builds the runner child's startup snapshot for this machine's Node into the
 * package (child-snapshot-cache.ts), for children of the default memory limit.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { heapMbFor } from './child-endpoint.ts';
import { buildPackagedSnapshot } from './child-snapshot-cache.ts';
import { DEFAULT_MEMORY_MB } from './runner-pool.ts';

buildPackagedSnapshot(path.dirname(fileURLToPath(import.meta.url)), heapMbFor(DEFAULT_MEMORY_MB));
