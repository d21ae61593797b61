import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { CompletionState, OutlineEntry } from '../components/CourseOutline.tsx';
import { LessonsMenu } from '../components/LessonsMenu.tsx';
import { ThemeToggle } from '../components/ThemeToggle.tsx';
import { useTheme } from '../hooks/use-theme.ts';

/** Props for {@link Layout}. */
export interface LayoutProps {
  /** Every lesson, for the header's lesson menu. Omitted when the course failed to load. */
  lessons?: readonly OutlineEntry[];
  /** The lesson on screen, marked in the menu. */
  currentSlug?: string;
  /** Saved completion per lesson, for the menu's marks. */
  completion?: Record<string, CompletionState>;
  /** The page content, placed in <main>. */
  children: ReactNode;
  /** Lets a page widen <main> (the lesson page uses the full width for its split). */
  wide?: boolean;
}

/** Skip link, header with the course menu and theme toggle, then the page in <main>. */
export function Layout({ lessons, currentSlug, completion, children, wide = false }: LayoutProps) {
  const { theme, toggle } = useTheme();
  return (
    <>
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <header className="site-header">
        <Link href="/" className="site-brand">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width="24" height="24" />
          cachelab
        </Link>
        {lessons && lessons.length > 0 && (
          <nav className="site-nav" aria-label="Course">
            <LessonsMenu lessons={lessons} currentSlug={currentSlug} completion={completion} />
          </nav>
        )}
        <ThemeToggle theme={theme} onToggle={toggle} />
      </header>
      <main
        id="main-content"
        tabIndex={-1}
        className={wide ? 'site-main site-main-wide' : 'site-main'}
      >
        {children}
      </main>
    </>
  );
}
