import { Fragment } from 'react';

/** One run of inline text: plain, or a code span. */
export interface InlineSegment {
  /** Plain text, or the inside of a backtick code span. */
  text: string;
  /** True for a code span. */
  code: boolean;
}

/**
 * Splits a one-line Markdown string into text and code spans (CommonMark backtick runs: a span
 * opens with N backticks and closes at the next run of exactly N; one space of padding on both
 * sides is stripped). Nothing else is interpreted: hints and check names only use code spans,
 * and everything stays text, so no HTML in a lesson file can reach the page.
 */
export function inlineSegments(source: string): InlineSegment[] {
  const segments: InlineSegment[] = [];
  let plain = '';
  let i = 0;
  while (i < source.length) {
    if (source[i] !== '`') {
      plain += source[i];
      i += 1;
      continue;
    }
    let ticks = 0;
    while (source[i + ticks] === '`') ticks += 1;
    const fence = '`'.repeat(ticks);
    let close = source.indexOf(fence, i + ticks);
    // A closing run must be exactly as long as the opening one.
    while (close !== -1 && source[close + ticks] === '`') {
      let end = close;
      while (source[end] === '`') end += 1;
      close = source.indexOf(fence, end);
    }
    if (close === -1) {
      plain += fence;
      i += ticks;
      continue;
    }
    let inside = source.slice(i + ticks, close);
    if (inside.startsWith(' ') && inside.endsWith(' ') && inside.trim() !== '') {
      inside = inside.slice(1, -1);
    }
    if (plain) segments.push({ text: plain, code: false });
    plain = '';
    segments.push({ text: inside, code: true });
    i = close + ticks;
  }
  if (plain) segments.push({ text: plain, code: false });
  return segments;
}

/** Renders a hint or a check name with its `code` spans as <code>, everything else as text. */
export function InlineMarkdown({ source }: { source: string }) {
  return (
    <>
      {inlineSegments(source).map((segment, index) =>
        segment.code ? (
          <code key={index}>{segment.text}</code>
        ) : (
          <Fragment key={index}>{segment.text}</Fragment>
        ),
      )}
    </>
  );
}
