import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

/** One tab and the panel it shows. */
export interface TabDefinition {
  /** Stable id, unique within the tab set; also what `selected` and `onSelect` speak. */
  id: string;
  /** The tab's visible name (also the panel's accessible name). */
  label: ReactNode;
  /** The panel's content. It stays mounted while another tab is shown, so it keeps its state. */
  panel: ReactNode;
  /** Extra text after the label, e.g. a count ("6/9"); part of the tab's name. */
  badge?: ReactNode;
  /**
   * False when the panel's content takes focus itself (an editor): the panel then gets no tab
   * stop of its own. Default true, as the WAI-ARIA tabs pattern advises.
   */
  focusablePanel?: boolean;
}

/** Props for {@link Tabs}. */
export interface TabsProps {
  /** Accessible name of the tab list. */
  label: string;
  /** The tabs, in order. */
  tabs: readonly TabDefinition[];
  /** Id of the tab shown. */
  selected: string;
  /** Called when the learner picks a tab (click, or arrow keys: activation follows focus). */
  onSelect: (id: string) => void;
  /** Class on the wrapper. */
  className?: string;
  /** Rendered at the end of the tab row (e.g. a status badge); not part of the tab list. */
  after?: ReactNode;
}

/** The DOM id of a tab's panel, so other controls can point at it (aria-controls). */
export function tabPanelId(base: string, id: string): string {
  return `${base}-panel-${id}`;
}

/**
 * WAI-ARIA tabs with automatic activation: one tab stop for the whole list (roving tabindex),
 * Left/Right move and select, Home/End jump to the ends. Every panel stays mounted and inactive
 * ones are `hidden`, so a half-typed redis-cli command, an open trace group or the keyspace
 * picker survive a switch.
 */
export function Tabs({ label, tabs, selected, onSelect, className, after }: TabsProps) {
  const base = useId();
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.some((tab) => tab.id === selected) ? selected : tabs[0]?.id;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.id === current);
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    const id = tabs[next].id;
    onSelect(id);
    tabRefs.current.get(id)?.focus();
  };

  return (
    <div className={className ? `tabs ${className}` : 'tabs'}>
      <div className="tabs-row">
        <div role="tablist" aria-label={label} className="tabs-list" onKeyDown={onKeyDown}>
          {tabs.map((tab) => {
            const active = tab.id === current;
            return (
              <button
                key={tab.id}
                ref={(element) => {
                  if (element) tabRefs.current.set(tab.id, element);
                  else tabRefs.current.delete(tab.id);
                }}
                type="button"
                role="tab"
                id={`${base}-tab-${tab.id}`}
                aria-selected={active}
                aria-controls={tabPanelId(base, tab.id)}
                tabIndex={active ? 0 : -1}
                className="tab"
                onClick={() => onSelect(tab.id)}
              >
                {tab.label}
                {tab.badge !== undefined && tab.badge !== null && (
                  <>
                    {' '}
                    <span className="tab-badge">{tab.badge}</span>
                  </>
                )}
              </button>
            );
          })}
        </div>
        {after}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={tabPanelId(base, tab.id)}
          aria-labelledby={`${base}-tab-${tab.id}`}
          className="tab-panel"
          data-tab={tab.id}
          hidden={tab.id !== current}
          // A panel whose content has no focusable element of its own still needs a tab stop.
          tabIndex={tab.focusablePanel === false ? undefined : 0}
        >
          {tab.panel}
        </div>
      ))}
    </div>
  );
}
