import type { Root } from 'hast';
import { renderMarkdown } from '../markdown/render-markdown.ts';
import type { Lesson } from './schema.ts';

/**
 * A lesson as the page gets it: the markdown body is replaced by its rendered tree, since the
 * page never needs the source and shipping both would cost ~1.5 KB gzip per lesson.
 */
export interface RenderedLesson extends Omit<Lesson, 'body'> {
  /** The body as a hast tree (headings anchored, code highlighted, raw HTML as text). */
  bodyTree: Root;
}

/** Renders a lesson's body. Pure; runs wherever the lesson was parsed. */
export function renderLesson({ body, ...lesson }: Lesson): RenderedLesson {
  return { ...lesson, bodyTree: renderMarkdown(body) };
}
