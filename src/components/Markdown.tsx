import { useMemo } from 'react';
import { renderMarkdown } from '../markdown/render-markdown.ts';
import { HastContent } from './HastContent.tsx';

/** Props for {@link Markdown}. */
export interface MarkdownProps {
  /** Markdown source (no frontmatter). */
  source: string;
  /** The app's base URL (Vite's BASE_URL), used to resolve images from public/. */
  baseUrl?: string;
  /** Class on the wrapper. */
  className?: string;
}

/**
 * Renders markdown in the browser with the same pipeline the build uses for lesson bodies. It
 * brings the markdown toolchain (~50 KB gzip) with it, so load it lazily (e.g. for hints).
 */
export function Markdown({ source, baseUrl, className }: MarkdownProps) {
  const tree = useMemo(() => renderMarkdown(source), [source]);
  return <HastContent tree={tree} baseUrl={baseUrl} className={className} />;
}
