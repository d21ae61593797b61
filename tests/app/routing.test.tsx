// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LessonError } from '../../src/lessons/parse-lesson.ts';
import { renderApp } from '../helpers/app-fixtures.tsx';

beforeEach(() => {
  document.title = 'cachelab';
});

afterEach(cleanup);

function lessonLinks(list: HTMLElement) {
  return within(list)
    .getAllByRole('link')
    .map((link) => link.textContent);
}

// Generous timeout: the first render pulls in the whole app, on a shared, busy machine.
describe('App routing', { timeout: 20_000 }, () => {
  it('renders a lesson at /lessons/<slug> with its title as the only h1, and sets the tab title', async () => {
    renderApp('/lessons/key-value-basics');
    const h1s = screen.getAllByRole('heading', { level: 1 });
    expect(h1s).toHaveLength(1);
    expect(h1s[0]).toHaveTextContent('Key-value basics');
    expect(screen.getByRole('heading', { level: 2, name: 'Your task' })).toBeInTheDocument();
    expect(document.title).toBe('Key-value basics · cachelab');
  });

  it('puts the prose, with its highlighted code, in an article beside the exercise area', () => {
    renderApp('/lessons/key-value-basics');
    const article = screen.getByRole('article');
    expect(article).toContainElement(screen.getByRole('heading', { level: 1 }));
    expect(
      within(article).getByRole('heading', { level: 2, name: 'Your task' }),
    ).toBeInTheDocument();
    expect(article.querySelector('code.hljs.language-redis .hljs-keyword')).toHaveTextContent(
      'SET',
    );
    expect(within(article).getByRole('img', { name: /Cache-aside/ })).toHaveAttribute(
      'src',
      '/cache-aside.svg',
    );
  });

  it('has banner, navigation and main landmarks and a skip link to main', () => {
    renderApp('/lessons/key-value-basics');
    expect(screen.getByRole('banner')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Course' })).toBeInTheDocument();
    const main = screen.getByRole('main');
    expect(screen.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute(
      'href',
      `#${main.id}`,
    );
  });

  it('marks the current lesson in the course menu', () => {
    renderApp('/lessons/cache-patterns');
    const nav = screen.getByRole('navigation', { name: 'Course' });
    // The menu is a closed native popover until its button opens it (the browser's job).
    const button = within(nav).getByRole('button', { name: 'Lessons' });
    const menu = document.getElementById(button.getAttribute('popovertarget') ?? '')!;
    expect(menu).toHaveAttribute('popover', 'auto');
    expect(within(menu).getByRole('link', { current: 'page', hidden: true })).toHaveTextContent(
      'Cache patterns',
    );
  });

  it('shows the outline at / with every lesson in order and a Start link to lesson 1', () => {
    renderApp('/');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(/Learn Redis caching/);
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
    expect(screen.getByRole('link', { name: 'Start: Key-value basics' })).toHaveAttribute(
      'href',
      '/lessons/key-value-basics',
    );
    const main = screen.getByRole('main');
    expect(lessonLinks(within(main).getByRole('list'))).toEqual([
      expect.stringContaining('Key-value basics'),
      expect.stringContaining('Cache patterns'),
      expect.stringContaining('Key naming'),
    ]);
    expect(within(main).getByText('0 of 3 lessons complete')).toBeInTheDocument();
    expect(document.title).toBe('Course outline · cachelab');
  });

  it('offers Continue at the first lesson not yet passed, and counts completion', () => {
    renderApp('/', { completion: { 'key-value-basics': 'passed', 'cache-patterns': 'stale' } });
    expect(screen.getByRole('link', { name: 'Continue: Cache patterns' })).toBeInTheDocument();
    const main = screen.getByRole('main');
    expect(within(main).getByText('1 of 3 lessons complete')).toBeInTheDocument();
    expect(
      within(main).getByRole('link', { name: /Key-value basics \(complete\)/ }),
    ).toBeInTheDocument();
    expect(
      within(main).getByRole('link', {
        name: /Cache patterns \(checks changed since you passed\)/,
      }),
    ).toBeInTheDocument();
  });

  it('shows a not-found page listing the lessons for an unknown slug', () => {
    renderApp('/lessons/no-such-lesson');
    expect(screen.getByRole('heading', { level: 1, name: 'Lesson not found' })).toBeInTheDocument();
    expect(screen.getByText('/lessons/no-such-lesson')).toBeInTheDocument();
    const main = screen.getByRole('main');
    expect(within(main).getByRole('link', { name: /Key naming/ })).toHaveAttribute(
      'href',
      '/lessons/key-naming',
    );
    expect(document.title).toBe('Not found · cachelab');
  });

  it('shows the not-found page for any other unknown path', () => {
    renderApp('/nope/deeper');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the course outline' })).toHaveAttribute(
      'href',
      '/',
    );
  });

  it('links to the next lesson only from the first, and to both neighbours from the middle', () => {
    renderApp('/lessons/key-value-basics');
    const first = screen.getByRole('navigation', { name: 'Previous and next lesson' });
    expect(within(first).queryByRole('link', { name: /Previous/ })).toBeNull();
    expect(within(first).getByRole('link', { name: /Next: Cache patterns/ })).toHaveAttribute(
      'href',
      '/lessons/cache-patterns',
    );
  });

  it('moves between lessons with previous/next, updating the h1, the title and the focus', async () => {
    const user = userEvent.setup();
    const { location } = renderApp('/lessons/cache-patterns');
    const nav = () => screen.getByRole('navigation', { name: 'Previous and next lesson' });
    expect(
      within(nav()).getByRole('link', { name: /Previous: Key-value basics/ }),
    ).toBeInTheDocument();

    await user.click(within(nav()).getByRole('link', { name: /Next: Key naming/ }));
    expect(location.history.at(-1)).toBe('/lessons/key-naming');
    const h1 = screen.getByRole('heading', { level: 1 });
    expect(h1).toHaveTextContent('Key naming');
    expect(h1).toHaveFocus();
    expect(document.title).toBe('Key naming · cachelab');
    expect(within(nav()).queryByRole('link', { name: /Next/ })).toBeNull();
  });

  it('shows an invalid lesson file, with its file and field, instead of a blank page', () => {
    const error = new LessonError(
      'lessons/02-x/lesson.md',
      'Invalid input: expected string, received undefined',
      'title',
    );
    renderApp('/lessons/key-value-basics', { course: { ok: false, error } });
    expect(
      screen.getByRole('heading', { level: 1, name: 'A lesson file needs fixing' }),
    ).toBeInTheDocument();
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('lessons/02-x/lesson.md')).toBeInTheDocument();
    expect(within(alert).getByText('title')).toBeInTheDocument();
    expect(alert).toHaveTextContent('lessons/02-x/lesson.md: field "title": Invalid input');
  });
});
