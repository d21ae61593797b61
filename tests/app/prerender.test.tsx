import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../scripts/vite-prerender.ts';
import { THEME_STORAGE_KEY } from '../../src/hooks/use-theme.ts';
import { getCourse } from '../../src/lessons/course-source.ts';
import { prerenderLessons } from '../../src/prerender.tsx';

const course = getCourse();
const lessons = course.ok ? course.lessons : [];

describe('prerendered lesson pages', () => {
  const pages = prerenderLessons('/');

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
    expect(html).toContain(lessons[0].starter.split('\n')[0].replace(/'/g, '&#x27;'));
    expect(html).not.toContain('not letting cachelab save');
    expect(html.replace(/<!-- -->/g, '')).toContain(`0 of ${lessons.length} lessons complete`);
  });

  it('links under a sub-path base', () => {
    const [page] = prerenderLessons('/cachelab/');
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
