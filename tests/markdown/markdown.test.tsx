// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Markdown } from '../../src/components/Markdown.tsx';

const win = window as unknown as Record<string, unknown>;

afterEach(() => {
  cleanup();
  delete win.__pwned;
});

describe('Markdown', () => {
  it('gives headings ids and a link to themselves, keeping their accessible name', () => {
    render(<Markdown source={'## Hits and misses\n\nText.\n\n### Why it matters'} />);
    const heading = screen.getByRole('heading', { level: 2, name: 'Hits and misses' });
    expect(heading).toHaveAttribute('id', 'hits-and-misses');
    expect(within(heading).getByRole('link', { name: 'Hits and misses' })).toHaveAttribute(
      'href',
      '#hits-and-misses',
    );
    expect(screen.getByRole('heading', { level: 3, name: 'Why it matters' })).toHaveAttribute(
      'id',
      'why-it-matters',
    );
  });

  it('turns a # heading in the body into an h2, so the page keeps one h1', () => {
    render(<Markdown source={'# Stray title\n\nText.'} />);
    expect(screen.queryByRole('heading', { level: 1 })).toBeNull();
    expect(screen.getByRole('heading', { level: 2, name: 'Stray title' })).toBeInTheDocument();
  });

  it('does not nest a link inside a heading that already is one', () => {
    const { container } = render(<Markdown source={'## [Docs](https://redis.io)'} />);
    expect(container.querySelectorAll('h2 a')).toHaveLength(1);
    expect(container.querySelector('h2 a')).toHaveAttribute('href', 'https://redis.io');
  });

  it('highlights TypeScript', () => {
    const { container } = render(
      <Markdown source={'```ts\nconst hit = await redis.get("k");\n```'} />,
    );
    const code = container.querySelector('pre code.hljs')!;
    expect(code).toHaveClass('language-ts');
    expect(within(code as HTMLElement).getByText('const')).toHaveClass('hljs-keyword');
    expect(within(code as HTMLElement).getByText('"k"')).toHaveClass('hljs-string');
  });

  it('highlights shell blocks as bash', () => {
    const { container } = render(<Markdown source={'```shell\necho "hi" # greet\n```'} />);
    const code = container.querySelector('pre code.hljs') as HTMLElement;
    expect(within(code).getByText('echo')).toHaveClass('hljs-built_in');
    expect(within(code).getByText('# greet')).toHaveClass('hljs-comment');
  });

  it('highlights redis command blocks: commands, options, strings and numbers', () => {
    const source = '```redis\nSET greeting "hello" EX 60\nget greeting\nDEL user:42\n```';
    const { container } = render(<Markdown source={source} />);
    const code = container.querySelector('pre code.hljs') as HTMLElement;
    expect(code).toHaveClass('language-redis');
    expect(within(code).getByText('SET')).toHaveClass('hljs-keyword');
    expect(within(code).getByText('get')).toHaveClass('hljs-keyword');
    expect(within(code).getByText('EX')).toHaveClass('hljs-built_in');
    expect(within(code).getByText('"hello"')).toHaveClass('hljs-string');
    expect(within(code).getByText('60')).toHaveClass('hljs-number');
    // Key names are not commands, and the 42 in a key is not a number.
    expect(code.textContent).toContain('user:42');
    expect([...code.querySelectorAll('.hljs-number')].map((n) => n.textContent)).toEqual(['60']);
  });

  it('leaves unknown languages as plain, readable code', () => {
    const { container } = render(<Markdown source={'```cobol\nDISPLAY "HI".\n```'} />);
    expect(container.querySelector('pre code')).toHaveTextContent('DISPLAY "HI".');
  });

  it('never turns raw HTML into elements, so scripts and event handlers cannot run', () => {
    const source = [
      '<script>window.__pwned = "script"</script>',
      '',
      'Inline <img src="x" onerror="window.__pwned = \'img\'"> and <b>bold</b>.',
      '',
      '<iframe src="https://example.com"></iframe>',
    ].join('\n');
    const { container } = render(<Markdown source={source} />);
    expect(container.querySelector('script, img, iframe, b')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    expect(win.__pwned).toBeUndefined();
  });

  it('drops javascript: links', () => {
    render(<Markdown source={'[click](javascript:alert(1))'} />);
    expect(screen.getByText('click').closest('a')?.getAttribute('href') ?? '').not.toMatch(
      /javascript/i,
    );
  });

  it('renders GFM tables', () => {
    render(
      <Markdown source={'| Command | Does |\n| --- | --- |\n| GET | reads |\n| SET | writes |'} />,
    );
    const table = screen.getByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Command', 'Does']);
    expect(within(table).getByRole('cell', { name: 'writes' })).toBeInTheDocument();
  });

  it('renders GFM task lists as checkboxes named after their item', () => {
    render(<Markdown source={'- [x] SET a `key`\n- [ ] GET it back'} />);
    const boxes = screen.getAllByRole('checkbox');
    expect(boxes.map((box) => (box as HTMLInputElement).checked)).toEqual([true, false]);
    expect(screen.getByRole('checkbox', { name: 'SET a key' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'GET it back' })).not.toBeChecked();
  });

  it('names checkboxes in loose task lists too', () => {
    render(<Markdown source={'- [ ] first\n\n- [x] second'} />);
    expect(screen.getByRole('checkbox', { name: 'second' })).toBeChecked();
  });

  it('makes wide tables keyboard-scrollable', () => {
    render(<Markdown source={'| a |\n| - |\n| b |'} />);
    expect(screen.getByRole('table')).toHaveAttribute('tabindex', '0');
  });

  it('loads root-relative images from public/ under the base path', () => {
    render(<Markdown source={'![A diagram](/cache-aside.svg)'} baseUrl="/course/" />);
    expect(screen.getByRole('img', { name: 'A diagram' })).toHaveAttribute(
      'src',
      '/course/cache-aside.svg',
    );
  });

  it('leaves external images and in-page links alone', () => {
    render(
      <Markdown source={'![Ext](https://example.com/a.png) [Jump](#top)'} baseUrl="/course/" />,
    );
    expect(screen.getByRole('img', { name: 'Ext' })).toHaveAttribute(
      'src',
      'https://example.com/a.png',
    );
    expect(screen.getByRole('link', { name: 'Jump' })).toHaveAttribute('href', '#top');
  });

  it('makes code blocks keyboard-scrollable', () => {
    const { container } = render(<Markdown source={'```ts\nconst x = 1;\n```'} />);
    expect(container.querySelector('pre')).toHaveAttribute('tabindex', '0');
  });
});
