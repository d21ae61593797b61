import type { Theme } from '../hooks/use-theme.ts';

/** Props for {@link ThemeToggle}. */
export interface ThemeToggleProps {
  /** The theme in effect now. */
  theme: Theme;
  /** Called when the learner flips the switch. */
  onToggle: () => void;
}

/** A toggle button: pressed means the dark theme is on. */
export function ThemeToggle({ theme, onToggle }: ThemeToggleProps) {
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-pressed={theme === 'dark'}
      onClick={onToggle}
    >
      <span aria-hidden="true" className="theme-toggle-icon">
        {theme === 'dark' ? '☾' : '☀'}
      </span>
      <span className="theme-toggle-label">Dark theme</span>
    </button>
  );
}
