import { describe, expect, it } from 'vitest';
import { frontmatterSchema } from '../../src/lessons/schema.ts';

describe('frontmatterSchema', () => {
  const valid = {
    title: 'Key-value basics',
    summary: 'SET, GET and DEL.',
    hints: ['one', 'two', 'three'],
  };

  it('accepts a title, a summary and a list of hints', () => {
    expect(frontmatterSchema.parse(valid)).toEqual(valid);
  });

  it('trims surrounding whitespace from strings', () => {
    expect(frontmatterSchema.parse({ ...valid, title: '  Spaced  ' }).title).toBe('Spaced');
  });

  it.each([
    ['a missing title', { summary: 's', hints: ['h'] }, 'title'],
    ['a blank title', { ...valid, title: '   ' }, 'title'],
    ['a numeric summary', { ...valid, summary: 42 }, 'summary'],
    ['hints given as a string', { ...valid, hints: 'just one' }, 'hints'],
    ['an empty hints list', { ...valid, hints: [] }, 'hints'],
    ['an empty hint', { ...valid, hints: ['ok', ''] }, 'hints.1'],
  ])('rejects %s and points at the field', (_label, data, field) => {
    const result = frontmatterSchema.safeParse(data);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path.join('.')).toBe(field);
  });

  it('rejects keys it does not know, so a typo like "hint" is not silently ignored', () => {
    const result = frontmatterSchema.safeParse({ ...valid, hint: 'typo' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].code).toBe('unrecognized_keys');
  });
});
