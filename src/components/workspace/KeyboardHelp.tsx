/** Props for {@link KeyboardHelp}. */
export interface KeyboardHelpProps {
  /** DOM id of the popover (one per page). */
  id?: string;
}

/**
 * The keyboard help behind a "?" button. A native popover (`popover="auto"`): the browser closes
 * it on Escape and on a click outside, returns focus to the button, and it works before the app's
 * JavaScript has started on a prerendered page. It sits in the top layer, so opening it never
 * moves the editor.
 */
export function KeyboardHelp({ id = 'keyboard-help' }: KeyboardHelpProps) {
  return (
    <>
      <button
        type="button"
        className="button icon-button"
        popoverTarget={id}
        aria-label="Keyboard help"
        title="Keyboard help"
      >
        <span aria-hidden="true">?</span>
      </button>
      <div id={id} popover="auto" className="popover keyboard-help">
        <h3 className="popover-title">Keyboard help</h3>
        <ul id="editor-help">
          <li>
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> (<kbd>⌘</kbd>+<kbd>Enter</kbd> on a Mac) runs the
            checks from anywhere on the page. In the redis-cli box, <kbd>Enter</kbd> sends the
            command.
          </li>
          <li>
            In the editor, <kbd>Ctrl</kbd>+<kbd>M</kbd> makes Tab move focus instead of indenting,
            and <kbd>Alt</kbd>+<kbd>F1</kbd> opens the editor’s accessibility help.
          </li>
          <li>
            In the tabs under the editor, <kbd>←</kbd> and <kbd>→</kbd> switch tabs.
          </li>
          <li>
            Completions list the Redis commands the sandbox implements; <kbd>Ctrl</kbd>+
            <kbd>Space</kbd> opens them.
          </li>
        </ul>
      </div>
    </>
  );
}
