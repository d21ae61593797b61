import { describe, expect, it } from 'vitest';
import { assembleCourse, LessonError, parseLessonFolder } from '../../src/lessons/parse-lesson.ts';
import { frontmatter, lessonFiles } from '../helpers/lesson-fixtures.ts';

function parseError(run: () => unknown): LessonError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LessonError);
    return error as LessonError;
  }
  throw new Error('expected a LessonError');
}

describe('parseLessonFolder', () => {
  it('reads slug and order from the folder name and keeps every file', () => {
    const files = lessonFiles('Basics');
    const lesson = parseLessonFolder('01-key-value-basics', files);
    expect(lesson).toMatchObject({
      slug: 'key-value-basics',
      order: 1,
      folder: '01-key-value-basics',
      title: 'Basics',
      summary: 'About Basics.',
      hints: ['First hint', 'Second hint'],
      starter: files['starter.ts'],
      solution: files['solution.ts'],
      checksSource: files['checks.ts'],
    });
  });

  it('strips the frontmatter from the body', () => {
    const lesson = parseLessonFolder('01-a', lessonFiles('A'));
    expect(lesson.body).not.toContain('---');
    expect(lesson.body).toContain('## Intro to A');
  });

  it('accepts CRLF line endings', () => {
    const md = `${frontmatter('Windows')}\nBody\n`.replace(/\n/g, '\r\n');
    expect(parseLessonFolder('01-a', lessonFiles('x', { 'lesson.md': md })).title).toBe('Windows');
  });

  it.each(['1-one', 'ab-slug', '01_slug', '01-Upper', '01-trailing-', '01-'])(
    'rejects the folder name %s and explains the NN-slug pattern',
    (folder) => {
      const error = parseError(() => parseLessonFolder(folder, lessonFiles('A')));
      expect(error.file).toBe(`lessons/${folder}`);
      expect(error.message).toMatch(/^lessons\/.+: folder name must be NN-slug/);
    },
  );

  it.each(['lesson.md', 'starter.ts', 'solution.ts', 'checks.ts'] as const)(
    'names a missing %s',
    (name) => {
      const error = parseError(() =>
        parseLessonFolder('01-a', lessonFiles('A', { [name]: undefined })),
      );
      expect(error.file).toBe(`lessons/01-a/${name}`);
      expect(error.message).toBe(`lessons/01-a/${name}: file is missing`);
    },
  );

  it('says so when lesson.md has no frontmatter', () => {
    const error = parseError(() =>
      parseLessonFolder('01-a', lessonFiles('A', { 'lesson.md': '# Just a body\n' })),
    );
    expect(error.message).toBe(
      'lessons/01-a/lesson.md: must start with YAML frontmatter between two "---" lines',
    );
  });

  it('reports bad YAML with its line', () => {
    const md = '---\ntitle: ok\nsummary: [unclosed\nhints:\n  - h\n---\nBody\n';
    const error = parseError(() =>
      parseLessonFolder('01-a', lessonFiles('A', { 'lesson.md': md })),
    );
    expect(error.file).toBe('lessons/01-a/lesson.md');
    expect(error.message).toMatch(
      /^lessons\/01-a\/lesson\.md: frontmatter is not valid YAML \(line \d+\): /,
    );
  });

  it.each([
    ['a missing title', '---\nsummary: s\nhints: [h]\n---\n', 'title'],
    ['a missing summary', '---\ntitle: t\nhints: [h]\n---\n', 'summary'],
    ['missing hints', '---\ntitle: t\nsummary: s\n---\n', 'hints'],
    ['a title that is a list', '---\ntitle: [a, b]\nsummary: s\nhints: [h]\n---\n', 'title'],
    ['hints that are a string', '---\ntitle: t\nsummary: s\nhints: one\n---\n', 'hints'],
    ['a blank second hint', "---\ntitle: t\nsummary: s\nhints: [h, '']\n---\n", 'hints.1'],
    [
      'an unknown key',
      '---\ntitle: t\nsummary: s\nhints: [h]\ndifficulty: hard\n---\n',
      'difficulty',
    ],
  ])('names the file and field for %s', (_label, md, field) => {
    const error = parseError(() =>
      parseLessonFolder('03-c', lessonFiles('C', { 'lesson.md': `${md}Body\n` })),
    );
    expect(error.file).toBe('lessons/03-c/lesson.md');
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`lessons/03-c/lesson.md: field "${field}": `)).toBe(true);
  });

  it('treats empty frontmatter as missing fields, not as a crash', () => {
    const error = parseError(() =>
      parseLessonFolder('01-a', lessonFiles('A', { 'lesson.md': '---\n\n---\nBody' })),
    );
    expect(error.field).toBe('title');
  });
});

describe('assembleCourse', () => {
  const lesson = (folder: string) => parseLessonFolder(folder, lessonFiles(folder));

  it('orders lessons by their number, not alphabetically', () => {
    const course = assembleCourse([lesson('100-last'), lesson('02-second'), lesson('99-middle')]);
    expect(course.map((l) => l.slug)).toEqual(['second', 'middle', 'last']);
  });

  it('does not reorder the array it was given', () => {
    const input = [lesson('02-b'), lesson('01-a')];
    assembleCourse(input);
    expect(input.map((l) => l.slug)).toEqual(['b', 'a']);
  });

  it('rejects two folders with the same slug', () => {
    const error = parseError(() => assembleCourse([lesson('01-basics'), lesson('02-basics')]));
    expect(error.message).toBe(
      'lessons/02-basics: slug "basics" is already used by lessons/01-basics',
    );
  });

  it('rejects two folders with the same number', () => {
    const error = parseError(() => assembleCourse([lesson('01-b'), lesson('01-a')]));
    expect(error.message).toBe('lessons/01-b: number 1 is already used by lessons/01-a');
  });
});
