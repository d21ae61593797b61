import { isValidElement, type ReactElement, type ReactNode } from 'react';
import { TryItButton } from './TryItButton.tsx';

type WithChildren = ReactElement<{ children?: ReactNode; className?: unknown }>;

// The text of rendered code: highlighting has split it into spans by now.
function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (isValidElement(node)) return textOf((node as WithChildren).props.children);
  return '';
}

/** The source of a fenced `redis` block, given the children of its `<pre>`; null for other code. */
export function redisBlockSource(preChildren: ReactNode): string | null {
  const children = Array.isArray(preChildren) ? preChildren : [preChildren];
  const code = children.find((c): c is WithChildren => isValidElement(c) && c.type === 'code');
  if (!code) return null;
  const className = code.props.className;
  const classes = Array.isArray(className)
    ? className.map(String)
    : String(className ?? '').split(/\s+/);
  return classes.includes('language-redis') ? textOf(code.props.children) : null;
}

/** Props for {@link TryItSnippet}. */
export interface TryItSnippetProps {
  /** The children of the markdown `<pre>` (its `<code>` element). */
  code: ReactNode;
  /** The rendered `<pre>` itself. */
  children: ReactNode;
}

/**
 * Wraps a markdown code block: fenced `redis` blocks get a "Try it" button that sends their
 * commands to the in-page console (when the page has one). Other blocks render unchanged.
 */
export function TryItSnippet({ code, children }: TryItSnippetProps) {
  const source = redisBlockSource(code);
  if (source === null) return children;
  return (
    <div className="insight-snippet">
      {children}
      <TryItButton source={source} />
    </div>
  );
}
