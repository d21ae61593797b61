import type { Root, RootContent } from 'hast';
import rehypeSlug from 'rehype-slug';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { rehypeCodeHighlight } from './code-highlight.ts';
import { rehypeDemoteTitles, rehypeHeadingAnchors } from './headings.ts';
import { rehypeRawAsText } from './raw-html.ts';
import { rehypeTaskListLabels } from './task-lists.ts';
import { rehypeSafeUrls } from './urls.ts';

// GFM (tables, task lists, strikethrough, autolinks), then headings with ids and self-links,
// highlighted code, named task-list checkboxes, raw HTML as text, and safe URLs only.
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype, { allowDangerousHtml: true })
  .use(rehypeRawAsText)
  .use(rehypeDemoteTitles)
  .use(rehypeSlug)
  .use(rehypeHeadingAnchors)
  .use(rehypeCodeHighlight)
  .use(rehypeTaskListLabels)
  .use(rehypeSafeUrls)
  .freeze();

/**
 * Renders markdown to a hast tree (plain JSON data). The dev server and build run this in Node
 * for lesson bodies, so the page ships the tree and not the markdown toolchain.
 */
export function renderMarkdown(source: string): Root {
  return withoutPositions(processor.runSync(processor.parse(source)) as Root);
}

// Source positions are only useful to tools; dropping them roughly halves the serialized tree.
function withoutPositions<T extends Root | RootContent>(node: T): T {
  delete node.position;
  if ('data' in node) delete node.data;
  if ('children' in node) node.children.forEach(withoutPositions);
  return node;
}
