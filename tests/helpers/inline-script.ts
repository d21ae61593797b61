/**
 * The inline scripts of a prerendered page (src/components/workspace/early-run.ts,
 * src/hooks/use-theme.ts) run in a test's jsdom as the page's <head> runs them. Each adds capture
 * listeners to `document`, which outlives a test: remove them after each one, so the next test
 * starts from a page without them.
 */
type Listener = Parameters<typeof document.addEventListener>;

const added: Listener[] = [];

/** Runs an inline script's source, keeping the listeners it adds to `document`. */
export function runInlineScript(source: string): void {
  const add = document.addEventListener;
  document.addEventListener = function (this: Document, ...args: Listener) {
    added.push(args);
    add.apply(this, args);
  };
  try {
    new Function(source)();
  } finally {
    // The own property goes, and EventTarget.prototype's method shows through again.
    delete (document as Partial<Document>).addEventListener;
  }
}

/** Removes every listener the inline scripts run so far added to `document`. */
export function removeInlineScriptListeners(): void {
  for (const [type, listener, options] of added.splice(0))
    document.removeEventListener(type, listener, options);
}
