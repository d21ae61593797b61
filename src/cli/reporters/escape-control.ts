/**
 * Learner text (check messages, console output, error messages, file names) is printed to a
 * terminal or a CI log. Control characters in it could clear the screen, move the cursor and draw
 * a fake "All checks passed", so every readable output shows them as visible escapes instead.
 */

// C0 except tab and newline, DEL, C1, and the bidi overrides/isolates that reorder what a line
// appears to say ("Trojan Source"). Matching control characters is the point here.
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_WITH_LAYOUT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/** Shows control characters as `\x1b`-style escapes; keeps newlines and tabs. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, visible);
}

/** Like `escapeControl`, but escapes newlines and tabs too: for text that must stay on one line. */
export function escapeControlInline(text: string): string {
  return text.replace(CONTROL_WITH_LAYOUT, visible);
}
