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
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createServer, type Plugin, type ResolvedConfig } from 'vite';

interface PrerenderModule {
  prerenderLessons(base: string): { path: string; title: string; html: string }[];
}

const ROOT_TAG = '<div id="root"></div>';

/** Puts a prerendered page into the built index.html. */
export function fillTemplate(template: string, page: { title: string; html: string }): string {
  if (!template.includes(ROOT_TAG)) throw new Error(`index.html has no ${ROOT_TAG}`);
  const title = page.title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return template
    .replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`)
    .replace(ROOT_TAG, `<div id="root">${page.html}</div>`);
}

export function prerenderPlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'cachelab:prerender',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      if (config.build.ssr || config.isWorker) return;
      const outDir = path.resolve(config.root, config.build.outDir);
      const template = await readFile(path.join(outDir, 'index.html'), 'utf8');
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
        for (const page of entry.prerenderLessons(config.base)) {
          const file = path.join(outDir, `${page.path}.html`);
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, fillTemplate(template, page));
        }
      } finally {
        await server.close();
      }
    },
  };
}
