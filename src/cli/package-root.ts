/**
 * The folder that holds this package (its package.json and `lessons/`), found from this module
 * whether it runs from the TypeScript sources (src/cli/) or from the build (dist-cli/).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  // src/cli/ in the repository, dist-cli/ in the package: walk up to the package.json.
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'lessons')))
      return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

/** The package's folder: the built-in course is its `lessons/`. */
export const PACKAGE_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
