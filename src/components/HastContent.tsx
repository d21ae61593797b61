import type { Root } from 'hast';
import { toJsxRuntime, type Components } from 'hast-util-to-jsx-runtime';
import { useMemo, type ComponentProps } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import { Link } from 'wouter';
import { resolvePublicUrl } from '../markdown/urls.ts';
import { TryItSnippet } from './insight/TryItSnippet.tsx';

/** Props for {@link HastContent}. */
export interface HastContentProps {
  /** Rendered markdown, from `renderMarkdown`. */
  tree: Root;
  /** The app's base URL (Vite's BASE_URL), used to resolve images from public/. */
  baseUrl?: string;
  /** Class on the wrapper. */
  className?: string;
}

// Links inside the app go through the router, so moving between lessons keeps the page alive.
function ContentLink({ href, ...rest }: ComponentProps<'a'>) {
  if (href && href.startsWith('/') && !href.startsWith('//')) return <Link href={href} {...rest} />;
  return <a href={href} {...rest} />;
}

// Focusable so keyboard users can scroll wide code sideways. Fenced `redis` blocks also get a
// "Try it" button when the page has a Redis console.
function ContentPre(props: ComponentProps<'pre'>) {
  return (
    <TryItSnippet code={props.children}>
      <pre tabIndex={0} {...props} />
    </TryItSnippet>
  );
}

// Tables scroll sideways on narrow screens; focusable so keyboard users can scroll them too.
function ContentTable(props: ComponentProps<'table'>) {
  return <table tabIndex={0} {...props} />;
}

/** Turns rendered markdown (hast) into React elements. No innerHTML anywhere. */
export function HastContent({ tree, baseUrl = '/', className = 'prose' }: HastContentProps) {
  const content = useMemo(() => {
    const components: Partial<Components> = {
      a: ContentLink,
      pre: ContentPre,
      table: ContentTable,
      img: ({ src, alt, ...rest }: ComponentProps<'img'>) => (
        <img
          src={typeof src === 'string' ? resolvePublicUrl(src, baseUrl) : src}
          alt={alt ?? ''}
          {...rest}
        />
      ),
    };
    return toJsxRuntime(tree, { Fragment, jsx, jsxs, components, passKeys: true });
  }, [tree, baseUrl]);
  return <div className={className}>{content}</div>;
}
