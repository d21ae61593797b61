import type { Theme } from '../hooks/use-theme.ts';

/** Props for {@link ThemeToggle}. */
export interface ThemeToggleProps {
  /** The theme in effect now. */
  theme: Theme;
  /** Called when the learner flips the switch. */
  onToggle: () => void;
}

/**
 * A button named for what it does: "Switch to dark theme" in the light theme and the other way
 * round. (Not a pressed/unpressed toggle: a name that changes with the state and a pressed state
 * would say the same thing twice.) The icon shows the theme it switches to.
 */
export function ThemeToggle({ theme, onToggle }: ThemeToggleProps) {
  const target = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="theme-toggle" data-theme-now={theme} onClick={onToggle}>
      <span aria-hidden="true" className="theme-toggle-icon">
        {target === 'dark' ? '☾' : '☀'}
      </span>
      <span className="theme-toggle-label">Switch to {target} theme</span>
    </button>
  );
}
