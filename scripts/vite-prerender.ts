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
import { EARLY_THEME_SCRIPT } from '../src/hooks/use-theme.ts';
import { resolvedLessonId } from './vite-lessons.ts';

interface PrerenderModule {
  prerenderLessons(base: string): Promise<{ path: string; title: string; html: string }[]>;
}

const ROOT_TAG = '<div id="root"></div>';

/**
 * Puts a prerendered page into the built index.html, with the inline scripts that remember a
 * click on Run made before the app has taken the page over (src/components/workspace/early-run.ts)
 * and make the theme toggle work until then (src/hooks/use-theme.ts). They go in <head>, so they
 * listen before any button exists.
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
    .replace(
      '</head>',
      () => `${headExtra}<script>${EARLY_RUN_SCRIPT}${EARLY_THEME_SCRIPT}</script></head>`,
    )
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
      .flatMap((f) => [
        link(f, '(min-width: 901px)'),
        // On a phone the code font is not needed for the first screen, but inline code in the
        // lesson text uses it, so the first layout asks for it at the highest priority. Requested
        // then, it waited for the stylesheet and the layout, and a phone's first paint waited for
        // it (Lighthouse counts a font found by layout as render-blocking). Preloaded at low
        // priority, it is asked for by the HTML itself and stays behind the stylesheet and the
        // text font.
        link(f, '(max-width: 900px)').replace('crossorigin', 'crossorigin fetchpriority="low"'),
      ]),
  ].join('');
}

/** Longest wait for the first paint before the app starts anyway (a page that never paints). */
// Lighthouse's headless Chromium at times holds a page's first frame until about 2.2 s after the
// navigation (the page laid out by 0.4 s). Measured both ways: with 3 s, the app's start-up then
// came after that frame and counted as blocking time (Total Blocking Time 275–687 ms against
// 64–357 ms with 1.5 s), which outweighed the paints it left alone.
export const START_FALLBACK_MS = 1500;

/**
 * The inline script of a prerendered page that starts the app (the module at `src`, and the
 * modules it needs at once, `preloads`) once the page's first contentful paint is on screen, or
 * after START_FALLBACK_MS (a background tab never paints). Plain ES5: it runs before any bundle.
 */
export function appStartScript(src: string, preloads: readonly string[] = []): string {
  // The URLs are the build's own, but a "</script>" in one must still not end this script.
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
  return (
    `(function(){var done=false;function go(){if(done)return;done=true;var h=document.head;` +
    `${json(preloads)}.forEach(function(u){var l=document.createElement('link');` +
    `l.rel='modulepreload';l.crossOrigin='';l.fetchPriority='low';l.href=u;h.appendChild(l);});` +
    `var s=document.createElement('script');s.type='module';s.crossOrigin='';s.fetchPriority='low';` +
    `s.src=${json(src)};` +
    `h.appendChild(s);}setTimeout(go,${START_FALLBACK_MS});` +
    `try{if(PerformanceObserver.supportedEntryTypes.indexOf('paint')<0)throw 0;` +
    `new PerformanceObserver(function(l,o){if(l.getEntriesByName('first-contentful-paint').length)` +
    `{o.disconnect();go();}}).observe({type:'paint',buffered:true});}` +
    `catch(e){requestAnimationFrame(function(){setTimeout(go,0);});}})();`
  );
}

/**
 * A prerendered page is complete without JavaScript: the app only hydrates it, after its first
 * paint (src/main.tsx). So the page asks for no script before that paint: the app's module, the
 * modules it imports and the page's lesson chunk (`lessonChunks`) are requested, in parallel, once
 * the paint is on screen (appStartScript). Measured with Lighthouse mobile (slow 4G, 4× CPU): the
 * main bundle (113 kB gzip), fetched beside the stylesheet and the fonts, counted toward the first
 * and largest contentful paints, simulated at about 2.0 and 2.5 s (Lighthouse cannot tell that a
 * module script evaluated after a paint did not block it, so only a request made after the paint
 * stays out of it).
 * The index.html fallback (no prerendered page) keeps its plain module script: it paints nothing
 * before the app has run.
 */
export function startAppAfterPaint(template: string, lessonChunkUrls: readonly string[]): string {
  const entries = [
    ...template.matchAll(/<script type="module" crossorigin src="([^"]+)"><\/script>/g),
  ];
  if (entries.length !== 1)
    throw new Error(`index.html has ${entries.length} module scripts, expected the app's one`);
  const [tag, src] = entries[0];
  const preloads: string[] = [];
  const withoutPreloads = template.replace(
    /<link rel="modulepreload" crossorigin href="([^"]+)">\s*/g,
    (_link, href: string) => {
      preloads.push(href);
      return '';
    },
  );
  const all = [...new Set([...preloads, ...lessonChunkUrls])];
  return withoutPreloads.replace(tag, () => `<script>${appStartScript(src, all)}</script>`);
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
          const pageTemplate = startAppAfterPaint(
            template,
            chunks.map((chunk) => `${config.base}${chunk}`),
          );
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, fillTemplate(pageTemplate, page, fontLinks));
        }
      } finally {
        await server.close();
      }
    },
  };
}
