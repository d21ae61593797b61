import type { Element, Root } from 'hast';

/**
 * Shows raw HTML from a lesson as literal text. It is never parsed into elements (there is
 * deliberately no rehype-raw), so `<script>` or `<img onerror>` cannot run; showing it, rather
 * than dropping it, lets an author see that it was not rendered.
 */
export function rehypeRawAsText() {
  return (tree: Root) => {
    const visit = (node: Root | Element) => {
      node.children = node.children.map((child) =>
        child.type === 'raw' ? { type: 'text', value: child.value } : child,
      ) as typeof node.children;
      for (const child of node.children) if (child.type === 'element') visit(child);
    };
    visit(tree);
  };
}
