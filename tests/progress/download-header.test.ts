import { describe, expect, test } from 'vitest';
import {
  downloadHeader,
  parseDownloadHeader,
  stripDownloadHeader,
  withDownloadHeader,
} from '../../src/progress/download-header.ts';
import { downloadedFile } from '../../scripts/course-submissions.mjs';

describe(withDownloadHeader, () => {
  test('puts a header naming the lesson and course above the code, and the command to grade it', () => {
    const file = withDownloadHeader('export const x = 1;\n', 'expiry');
    expect(file).toBe(
      '// cachelab lesson: expiry (course: cachelab)\n' +
        '// Grade it with: npx cachelab grade expiry.ts\n' +
        '// (once per folder: npm install --save-dev cachelab)\n' +
        'export const x = 1;\n',
    );
    expect(parseDownloadHeader(file)).toEqual({ lesson: 'expiry', course: 'cachelab' });
  });

  test('is what the bench and pack scripts write for a downloaded file', () => {
    const code = 'export const x = 1;\n';
    expect(downloadedFile('expiry', code)).toBe(withDownloadHeader(code, 'expiry'));
  });

  test('replaces an older header instead of stacking a second one', () => {
    const once = withDownloadHeader('code();\n', 'expiry');
    expect(withDownloadHeader(once, 'sessions')).toBe(withDownloadHeader('code();\n', 'sessions'));
    expect(stripDownloadHeader(once)).toBe('code();\n');
  });

  test('leaves code alone that only looks like a header further down, or has none', () => {
    const code = 'const a = 1;\n// cachelab lesson: expiry (course: cachelab)\n';
    expect(stripDownloadHeader(code)).toBe(code);
    expect(
      parseDownloadHeader(
        'const a = 1;\nconst b = 2;\nconst c = 3;\nconst d = 4;\nconst e = 5;\n// cachelab lesson: expiry',
      ),
    ).toBeUndefined();
  });
});

describe(parseDownloadHeader, () => {
  test('reads the lesson from a header with CRLF endings, a BOM, or no course', () => {
    expect(
      parseDownloadHeader(
        `\uFEFF${downloadHeader('rate-limiting', 'my-course').replace(/\n/g, '\r\n')}\r\nx`,
      ),
    ).toEqual({
      lesson: 'rate-limiting',
      course: 'my-course',
    });
    expect(parseDownloadHeader('// cachelab lesson: sessions\n')).toEqual({
      lesson: 'sessions',
      course: 'cachelab',
    });
  });

  test('refuses a slug that is not one (path tricks, spaces, capitals)', () => {
    for (const bad of ['../etc', 'Expiry', 'a b', 'x;rm', '']) {
      expect(parseDownloadHeader(`// cachelab lesson: ${bad}\n`), bad).toBeUndefined();
    }
  });
});
