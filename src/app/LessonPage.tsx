import { memo } from 'react';
import { LessonNav } from '../components/LessonNav.tsx';
import { HastContent } from '../components/HastContent.tsx';
import { SplitPane } from '../components/workspace/SplitPane.tsx';
import { RedisConsoleProvider } from '../components/insight/RedisConsoleProvider.tsx';
import { WorkspaceWithInsight } from '../components/insight/WorkspaceWithInsight.tsx';
import { appPlayground } from '../components/insight/playground-service.ts';
import { appProgress, appRunner } from '../components/workspace/app-services.ts';
import { useDocumentTitle } from '../hooks/use-document-title.ts';
import type { LessonSummary } from '../lessons/course-source.ts';
import type { RenderedLesson } from '../lessons/render-lesson.ts';

/** Props for {@link LessonPage}. */
export interface LessonPageProps {
  /** The lesson to show. */
  lesson: RenderedLesson;
  /** Its 1-based position in the course. */
  position: number;
  /** How many lessons the course has. */
  total: number;
  /** The lesson before, if any. */
  previous?: LessonSummary;
  /** The lesson after, if any. */
  next?: LessonSummary;
}

/**
 * One lesson: prose (title, summary, body, prev/next) beside the exercise area. Memoised: the
 * app shell re-renders right after hydration (the menu's completion marks) and must not take the
 * whole lesson text with it; the workspace re-renders on its own.
 */
export const LessonPage = memo(function LessonPage({
  lesson,
  position,
  total,
  previous,
  next,
}: LessonPageProps) {
  useDocumentTitle(lesson.title);

  return (
    <RedisConsoleProvider client={appPlayground()}>
      <SplitPane
        initialPercent={40}
        start={
          <article className="lesson-prose" aria-labelledby="lesson-title">
            <div className="lesson-top">
              <p className="lesson-kicker">
                Lesson {position} of {total}
              </p>
              {/* On a phone the exercise comes after the whole lesson text. */}
              <a className="jump-to-exercise" href="#exercise">
                Jump to exercise <span aria-hidden="true">↓</span>
              </a>
            </div>
            <h1 id="lesson-title" tabIndex={-1}>
              {lesson.title}
            </h1>
            <p className="lesson-summary">{lesson.summary}</p>
            <HastContent tree={lesson.bodyTree} baseUrl={import.meta.env.BASE_URL} />
            <LessonNav previous={previous} next={next} />
          </article>
        }
        end={
          <WorkspaceWithInsight
            key={lesson.slug}
            lesson={lesson}
            runner={appRunner()}
            progress={appProgress()}
            next={next}
          />
        }
      />
    </RedisConsoleProvider>
  );
});
