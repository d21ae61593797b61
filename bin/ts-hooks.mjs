/**
 * Node module hooks (registered with `module.register`) that let the CLI run the TypeScript
 * sources directly, with no build step: `.ts` files are transpiled with sucrase (types removed,
 * ES modules kept, lines unchanged), `cachelab/checks` resolves to the checks API, and JSON
 * modules imported without an import attribute (as Vite allows) load as default exports.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'sucrase';

const CHECKS_API = new URL('../src/runner/checks-api.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'cachelab/checks') return { url: CHECKS_API, shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    // Extensionless relative imports, as TypeScript with moduleResolution "bundler" allows.
    if (
      (specifier.startsWith('./') || specifier.startsWith('../')) &&
      !/\.[cm]?[jt]sx?$/.test(specifier)
    ) {
      return nextResolve(`${specifier}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.ts') && !url.includes('/node_modules/')) {
    const filePath = fileURLToPath(url);
    const source = await readFile(filePath, 'utf8');
    const { code } = transform(source, {
      transforms: ['typescript'],
      filePath,
      disableESTransforms: true,
    });
    return { format: 'module', source: code, shortCircuit: true };
  }
  if (url.startsWith('file:') && url.endsWith('.json') && !context.importAttributes?.type) {
    const source = await readFile(fileURLToPath(url), 'utf8');
    return { format: 'module', source: `export default ${source};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
