import {
  gradeCommand as gradeFileCommand,
  INSTALL_COMMAND,
} from '../../progress/download-header.ts';

/** Props for {@link DownloadCode}. */
export interface DownloadCodeProps {
  /** The lesson slug; the file is `<slug>.ts`. */
  slug: string;
  /** Saves the file. */
  onDownload: () => void;
  /** True once the learner downloaded, to show how to grade the file. */
  downloaded: boolean;
}

/** The command that grades a downloaded file with the CLI (the file names its lesson). */
export function gradeCommand(slug: string): string {
  return gradeFileCommand(`${slug}.ts`);
}

/** "Download my code", then the CLI command that grades the file. */
export function DownloadCode({ slug, onDownload, downloaded }: DownloadCodeProps) {
  return (
    <div className="download-control">
      <button type="button" className="button" onClick={onDownload}>
        Download my code
      </button>
      <p className="download-status" role="status" aria-label="Download status">
        {downloaded && (
          <>
            Saved <code>{slug}.ts</code>. Grade it from a terminal with{' '}
            <code className="grade-command">{gradeCommand(slug)}</code> (once per folder, install
            the grader with <code>{INSTALL_COMMAND}</code>)
          </>
        )}
      </p>
    </div>
  );
}
