/**
 * `cachelab grade --reporter github`: GitHub Actions workflow commands, so compile errors and
 * failing checks show as annotations on the submission's lines in a pull request.
 */
import { checkRows, runErrorSummary, type SubmissionResult } from '../submission-result.ts';
import { escapeControl } from './escape-control.ts';

/** Escapes a command's message, as the Actions runner unescapes it (% CR LF). */
export function escapeData(text: string): string {
  return escapeControl(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (file, title): also `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(
  file: string,
  line: number | undefined,
  column: number | undefined,
  title: string,
  message: string,
): string {
  const props = [`file=${escapeProperty(file)}`, `line=${line ?? 1}`];
  if (column !== undefined) props.push(`col=${column}`);
  props.push(`title=${escapeProperty(title)}`);
  return `::error ${props.join(',')}::${escapeData(message)}\n`;
}

/** Annotations for one submission: its run error, then each failing check. */
export function githubAnnotations(result: SubmissionResult): string {
  let out = '';
  const error = result.report?.error;
  const summary = runErrorSummary(result);
  if (result.problem || error) {
    const title =
      result.problem?.kind === 'lesson'
        ? 'cachelab: no lesson'
        : error?.kind === 'compile'
          ? 'cachelab: does not compile'
          : `cachelab: ${error?.kind ?? 'not graded'}`;
    out += annotation(result.file, error?.line, error?.column, title, summary ?? 'not graded');
  }
  for (const row of checkRows(result)) {
    if (row.status !== 'failed') continue;
    out += annotation(result.file, row.line, row.column, row.name, row.message ?? 'failed');
  }
  return out;
}
