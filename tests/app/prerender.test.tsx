import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillTemplate, lessonChunks } from '../../scripts/vite-prerender.ts';
import type { Rollup } from 'vite';
import { THEME_STORAGE_KEY } from '../../src/hooks/use-theme.ts';
import { getCourse, loadLesson } from '../../src/lessons/course-source.ts';
import { prerenderLessons } from '../../src/prerender.tsx';

const course = getCourse();
const lessons = course.ok ? course.lessons : [];

describe('prerendered lesson pages', async () => {
  const pages = await prerenderLessons('/');
  const firstLesson = (await loadLesson(lessons[0].slug))!;

  it('renders one page per lesson, with its text and title', () => {
    expect(pages.map((p) => p.path)).toEqual(lessons.map((l) => `lessons/${l.slug}`));
    const first = pages[0];
    expect(first.title).toBe(`${lessons[0].title} · cachelab`);
    expect(first.html).toContain('class="lesson-prose"');
    expect(first.html).toContain(`>${lessons[0].title}</h1>`);
    expect(first.html.replace(/<!-- -->/g, '')).toContain(`Lesson 1 of ${lessons.length}`);
  });

  it('shows the exercise as a first visit sees it: the starter in the stand-in editor, no warnings', () => {
    const html = pages[0].html;
    // No empty "loading" box: the code itself, read-only (the app replaces this page, and text
    // typed before that would be lost), named as the editor it stands in for.
    expect(html).not.toMatch(/Loading the editor|Starting the editor/);
    expect(html).toMatch(
      /<pre class="code-preview" role="textbox" aria-readonly="true"[^>]*aria-label="Code editor for/,
    );
    expect(html).toContain(firstLesson.starter.split('\n')[0].replace(/'/g, '&#x27;'));
    expect(html).not.toContain('not letting cachelab save');
    expect(html.replace(/<!-- -->/g, '')).toContain(`0 of ${lessons.length} lessons complete`);
  });

  it('links under a sub-path base', async () => {
    const [page] = await prerenderLessons('/cachelab/');
    expect(page.html).toContain(`href="/cachelab/lessons/${lessons[1].slug}"`);
    expect(page.html).not.toMatch(/href="\/lessons\//);
  });

  it('puts the page into the built index.html', () => {
    const template =
      '<html><head><title>cachelab</title></head><body><div id="root"></div></body></html>';
    const filled = fillTemplate(template, { title: 'A & <B> · cachelab', html: '<p>hi</p>' });
    expect(filled).toContain('<title>A &amp; &lt;B> · cachelab</title>');
    expect(filled).toContain('<div id="root"><p>hi</p></div>');
    expect(() => fillTemplate('<body></body>', { title: 't', html: '' })).toThrow(/id="root"/);
    // Extra <head> markup (the font preload), and the early Run and theme scripts, go before
    // </head>; a "$" in the page is copied as is, not read as a replacement pattern.
    const withHead = fillTemplate(template, { title: 't', html: '<p>$&</p>' }, '<link rel="x">');
    expect(withHead.indexOf('<link rel="x">')).toBeLessThan(withHead.indexOf('</head>'));
    expect(withHead).toContain('__cachelabEarlyRun');
    expect(withHead).toContain('__cachelabEarlyTheme');
    expect(withHead).toContain('<div id="root"><p>$&</p></div>');
  });
});

describe('lessonChunks', () => {
  it("finds each lesson page's chunk (and what it imports) in the bundle, and nothing else", () => {
    const chunk = (fileName: string, facadeModuleId: string | null, imports: string[] = []) =>
      ({ type: 'chunk', fileName, facadeModuleId, imports }) as unknown as Rollup.OutputChunk;
    const bundle = {
      a: chunk('assets/index-1.js', '/src/main.tsx', ['assets/jsx-runtime-2.js']),
      b: chunk('assets/key-value-basics-3.js', '\0virtual:cachelab/lesson/key-value-basics', [
        'assets/jsx-runtime-2.js',
      ]),
      c: chunk('assets/expiry-4.js', '\0virtual:cachelab/lesson/expiry'),
      d: chunk('assets/course-5.js', '\0virtual:cachelab/course'),
      e: { type: 'asset', fileName: 'assets/x.css' } as unknown as Rollup.OutputAsset,
    } satisfies Rollup.OutputBundle;
    expect(lessonChunks(bundle)).toEqual(
      new Map([
        ['lessons/key-value-basics', ['assets/key-value-basics-3.js', 'assets/jsx-runtime-2.js']],
        ['lessons/expiry', ['assets/expiry-4.js']],
      ]),
    );
  });
});

describe('index.html', () => {
  it('applies a remembered theme before the first paint, with the key the app uses', () => {
    const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(script).toContain(`'${THEME_STORAGE_KEY}'`);
    expect(html.indexOf('<script>')).toBeLessThan(html.indexOf('</head>'));
  });
});
