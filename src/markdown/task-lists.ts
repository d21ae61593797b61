import type { Element, ElementContent, Root } from 'hast';

/**
 * Names each GFM task-list checkbox after its item's text. The checkboxes are read-only
 * (disabled) ticks, and without a name a screen reader announces only "checkbox, checked".
 */
export function rehypeTaskListLabels() {
  return (tree: Root) => {
    const visit = (node: Root | Element) => {
      for (const child of node.children) {
        if (child.type !== 'element') continue;
        if (child.tagName === 'li') labelCheckbox(child);
        visit(child);
      }
    };
    visit(tree);
  };
}

function labelCheckbox(item: Element): void {
  // remark-gfm puts the checkbox first, either directly in the <li> or in its first <p>.
  const holder =
    item.children.find((c): c is Element => c.type === 'element' && c.tagName === 'p') ?? item;
  const box = holder.children.find(
    (c): c is Element =>
      c.type === 'element' && c.tagName === 'input' && c.properties.type === 'checkbox',
  );
  if (!box) return;
  const label = holder.children
    .filter((c) => c !== box)
    .map(textOf)
    .join('')
    .trim();
  if (label) box.properties.ariaLabel = label;
}

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element' && node.tagName !== 'ul' && node.tagName !== 'ol')
    return node.children.map(textOf).join('');
  return '';
}
