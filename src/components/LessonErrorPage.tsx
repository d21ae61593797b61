/** The parts of a LessonError this page shows. */
export interface LessonProblem {
  /** The file at fault, relative to the repo. */
  file: string;
  /** The frontmatter field at fault, if any. */
  field?: string;
  /** Full message, naming file and field. */
  message: string;
}

/** Props for {@link LessonErrorPage}. */
export interface LessonErrorPageProps {
  /** The first invalid lesson file found. */
  error: LessonProblem;
}

/** Shown instead of the course when a lesson file is invalid, so authors see the problem in the page. */
export function LessonErrorPage({ error }: LessonErrorPageProps) {
  return (
    <div className="lesson-error" role="alert">
      <h1>A lesson file needs fixing</h1>
      <dl className="lesson-error-details">
        <dt>File</dt>
        <dd>
          <code>{error.file}</code>
        </dd>
        {error.field && (
          <>
            <dt>Field</dt>
            <dd>
              <code>{error.field}</code>
            </dd>
          </>
        )}
        <dt>Problem</dt>
        <dd>
          <pre tabIndex={0}>{error.message}</pre>
        </dd>
      </dl>
      <p>
        Fix the file and save it. In development this page updates as soon as the lesson is valid
        again.
      </p>
    </div>
  );
}
