/**
 * Which editor a device gets. Monaco does not support mobile browsers (its own docs say so, and
 * on a phone it cannot select text, place the cursor or show the keyboard reliably), so a device
 * whose only pointer is coarse (a finger) and whose screen is narrow gets the touch editor
 * (CodeMirror 6) instead. A tablet with a trackpad or mouse (`any-pointer: fine`), or any wide
 * screen, keeps Monaco. `?editor=touch` or `?editor=monaco` in the URL overrides the guess.
 */
export type EditorKind = 'monaco' | 'touch';

/** The widest screen that gets the touch editor (the layout stacks below this too). */
export const TOUCH_MAX_WIDTH_PX = 900;

/** Picks the editor for this device. */
export function chooseEditor(win: Pick<Window, 'matchMedia' | 'location'> = window): EditorKind {
  const forced = new URLSearchParams(win.location?.search ?? '').get('editor');
  if (forced === 'touch' || forced === 'monaco') return forced;
  if (typeof win.matchMedia !== 'function') return 'monaco';
  // A finger is the main pointer, and there is no mouse or trackpad at all.
  const touchOnly =
    win.matchMedia('(pointer: coarse)').matches && !win.matchMedia('(any-pointer: fine)').matches;
  const narrow = win.matchMedia(`(max-width: ${TOUCH_MAX_WIDTH_PX}px)`).matches;
  return touchOnly && narrow ? 'touch' : 'monaco';
}
