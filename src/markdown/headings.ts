import type { Element, ElementContent, Root } from 'hast';

type Parent = Root | Element;

/**
 * Turns `# Heading` in a lesson body into an h2: the page already has one h1, the lesson title.
 */
export function rehypeDemoteTitles() {
  return (tree: Root) => {
    walkHeadings(tree, (heading) => {
      if (heading.tagName === 'h1') heading.tagName = 'h2';
    });
  };
}

/**
 * Wraps each heading's text in a link to itself, so every section can be linked to. Runs after
 * rehype-slug, which gives headings their ids. The "#" mark is aria-hidden so the heading's
 * accessible name stays its own text.
 */
export function rehypeHeadingAnchors() {
  return (tree: Root) => {
    walkHeadings(tree, (heading) => {
      const id = heading.properties.id;
      if (typeof id !== 'string' || id === '' || containsLink(heading)) return;
      const mark: Element = {
        type: 'element',
        tagName: 'span',
        properties: { className: ['heading-anchor-mark'], ariaHidden: 'true' },
        children: [{ type: 'text', value: '#' }],
      };
      heading.children = [
        {
          type: 'element',
          tagName: 'a',
          properties: { href: `#${id}`, className: ['heading-anchor'] },
          children: [...heading.children, mark],
        },
      ];
    });
  };
}

const HEADING = /^h[1-6]$/;

function walkHeadings(node: Parent, visit: (heading: Element) => void): void {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (HEADING.test(child.tagName)) visit(child);
    else walkHeadings(child, visit);
  }
}

function containsLink(node: ElementContent): boolean {
  if (node.type !== 'element') return false;
  return node.tagName === 'a' || node.children.some(containsLink);
}
