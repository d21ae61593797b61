/**
 * `vite build` writes, next to index.html, one HTML file per lesson with the lesson page already
 * rendered inside #root (see src/prerender.tsx), so `/lessons/<slug>` shows its text before the
 * app's JavaScript has loaded. The largest paint of a lesson page used to wait for the main
 * bundle to download, run and render: about 1 s on a 2-core machine.
 *
 * The files are `lessons/<slug>.html`. `vite preview` and most static hosts serve `/x` from
 * `x.html` ("clean URLs"); a server that doesn't still falls back to index.html, which renders
 * the same page client-side, only later (docs/deploy.md).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createServer, type Plugin, type ResolvedConfig, type Rollup } from 'vite';
import { EARLY_RUN_SCRIPT } from '../src/components/workspace/early-run.ts';
import { resolvedLessonId } from './vite-lessons.ts';

interface PrerenderModule {
  prerenderLessons(base: string): Promise<{ path: string; title: string; html: string }[]>;
}

const ROOT_TAG = '<div id="root"></div>';

/**
 * Puts a prerendered page into the built index.html, with the inline script that remembers a
 * click on Run made before the app has taken the page over (src/components/workspace/early-run.ts). It goes in
 * <head>, so it listens before any button exists.
 */
export function fillTemplate(
  template: string,
  page: { title: string; html: string },
  headExtra = '',
): string {
  if (!template.includes(ROOT_TAG)) throw new Error(`index.html has no ${ROOT_TAG}`);
  if (!template.includes('</head>')) throw new Error('index.html has no </head>');
  const title = page.title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return template
    .replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`)
    .replace('</head>', () => `${headExtra}<script>${EARLY_RUN_SCRIPT}</script></head>`)
    .replace(ROOT_TAG, () => `<div id="root">${page.html}</div>`);
}

/**
 * Preloads of the fonts' Latin files, so they arrive with the stylesheet rather than after it.
 * Found only once the stylesheet was parsed and the text laid out, they came after the first
 * paint, and swapping them in moved the page twice: the text font re-wrapped the lesson text (a
 * layout shift of 0.08 on a phone, Lighthouse's CLS), and the code font resized the code beside
 * it, the page's largest text, which then counted as a new, late largest paint (LCP 1.2 s became
 * 3 to 4 s on a desktop). The code font is preloaded only where the code sits beside the text
 * (wider than 900 px, as in layout.css): on a phone it is far below the first screen.
 */
async function fontPreloads(outDir: string, base: string, assetsDir: string): Promise<string> {
  let files: string[];
  try {
    files = await readdir(path.join(outDir, assetsDir));
  } catch {
    return '';
  }
  const link = (file: string, media = '') =>
    `<link rel="preload" href="${base}${assetsDir}/${file}" as="font" type="font/woff2" crossorigin${media ? ` media="${media}"` : ''}>`;
  return [
    ...files
      .filter((file) => /^inter-latin-wght-normal-[\w-]+\.woff2$/.test(file))
      .map((f) => link(f)),
    ...files
      .filter((file) => /^jetbrains-mono-latin-wght-normal-[\w-]+\.woff2$/.test(file))
      .map((f) => link(f, '(min-width: 901px)')),
  ].join('');
}

/**
 * The lesson chunk of each page, by page path ("lessons/<slug>"), with the chunks it imports.
 * The page preloads them, so the app's wait for its lesson before hydrating (src/main.tsx) costs
 * no extra round trip.
 */
export function lessonChunks(bundle: Rollup.OutputBundle): Map<string, string[]> {
  const chunks = new Map<string, string[]>();
  for (const output of Object.values(bundle)) {
    if (output.type !== 'chunk' || !output.facadeModuleId) continue;
    const slug = /^\0virtual:cachelab\/lesson\/(.+)$/.exec(output.facadeModuleId)?.[1];
    if (slug && output.facadeModuleId === resolvedLessonId(slug))
      chunks.set(`lessons/${slug}`, [output.fileName, ...output.imports]);
  }
  return chunks;
}

export function prerenderPlugin(): Plugin {
  let config: ResolvedConfig;
  let chunksByPage = new Map<string, string[]>();
  return {
    name: 'cachelab:prerender',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    generateBundle(_options, bundle) {
      if (!config.build.ssr && !config.isWorker) chunksByPage = lessonChunks(bundle);
    },
    async closeBundle() {
      if (config.build.ssr || config.isWorker) return;
      const outDir = path.resolve(config.root, config.build.outDir);
      const template = await readFile(path.join(outDir, 'index.html'), 'utf8');
      const fontLinks = await fontPreloads(outDir, config.base, config.build.assetsDir);
      const server = await createServer({
        configFile: config.configFile,
        root: config.root,
        base: config.base,
        mode: config.mode,
        logLevel: 'error',
        appType: 'custom',
        server: { middlewareMode: true, hmr: false, ws: false },
      });
      try {
        const entry = (await server.ssrLoadModule('/src/prerender.tsx')) as PrerenderModule;
        for (const page of await entry.prerenderLessons(config.base)) {
          const file = path.join(outDir, `${page.path}.html`);
          const chunks = chunksByPage.get(page.path);
          if (!chunks) throw new Error(`no lesson chunk was emitted for ${page.path}`);
          const preloads = chunks
            .map((chunk) => `<link rel="modulepreload" crossorigin href="${config.base}${chunk}">`)
            .join('');
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, fillTemplate(template, page, fontLinks + preloads));
        }
      } finally {
        await server.close();
      }
    },
  };
}
