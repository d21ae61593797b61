import { describe, expect, it } from 'vitest';
import { isSafeUrl, resolvePublicUrl } from '../../src/markdown/urls.ts';

describe('resolvePublicUrl', () => {
  it('prefixes root-relative sources with the base path', () => {
    expect(resolvePublicUrl('/img.svg', '/sub/')).toBe('/sub/img.svg');
    expect(resolvePublicUrl('/img.svg', '/')).toBe('/img.svg');
  });

  it('leaves protocol-relative, absolute and relative URLs alone', () => {
    expect(resolvePublicUrl('//cdn.example/x.png', '/sub/')).toBe('//cdn.example/x.png');
    expect(resolvePublicUrl('https://e.com/x.png', '/sub/')).toBe('https://e.com/x.png');
    expect(resolvePublicUrl('x.png', '/sub/')).toBe('x.png');
  });
});

describe('isSafeUrl', () => {
  it.each([
    'https://redis.io',
    'http://x',
    'mailto:a@b.c',
    '/lessons/x',
    '#top',
    'page?a=b:c',
    'a/b:c',
  ])('allows %s', (url) => expect(isSafeUrl(url)).toBe(true));

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>', 'vbscript:x'])(
    'refuses %s',
    (url) => expect(isSafeUrl(url)).toBe(false),
  );
});
