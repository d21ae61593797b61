import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { Route, Switch, useLocation, useParams } from 'wouter';
import type { CompletionState } from '../components/CourseOutline.tsx';
import { LessonErrorPage } from '../components/LessonErrorPage.tsx';
import { NotFound } from '../components/NotFound.tsx';
import { useDocumentTitle } from '../hooks/use-document-title.ts';
import { useNavigationFocus } from '../hooks/use-navigation-focus.ts';
import { useCourse } from '../hooks/use-course.ts';
import {
  getLoadedLesson,
  loadLesson,
  subscribeCourse,
  type CourseOutline,
  type CourseResult,
  type LessonSummary,
} from '../lessons/course-source.ts';
import type { RenderedLesson } from '../lessons/render-lesson.ts';
import { hashChecks } from '../progress/checks-hash.ts';
import { Layout } from './Layout.tsx';
import { LessonPage } from './LessonPage.tsx';
import { OutlinePage } from './OutlinePage.tsx';
import { appProgress, firstVisitProgress } from '../components/workspace/app-services.ts';
import { replayEarlyClick } from '../components/workspace/early-run.ts';
import { useHydrated } from '../hooks/use-hydrated.ts';
import { useOutlineCompletion } from './use-outline-completion.ts';

const NO_LESSONS: LessonSummary[] = [];

/** Performance mark set once the app has taken over the page (see App). */
export const APP_READY_MARK = 'cachelab:app-ready';

/** Props for {@link App}. */
export interface AppProps {
  /**
   * A whole course to serve, every lesson in memory (tests); defaults to the bundled course,
   * whose lessons load as chunks of their own.
   */
  course?: CourseResult;
  /** Saved completion per lesson slug (fed from progress storage by the workspace). */
  completion?: Record<string, CompletionState>;
}

/**
 * Routes:
 * - `/` is an outline page with a Start link rather than a redirect to lesson 1. A returning
 *   learner sees where they are in the course, and the outline gives the site a real home.
 * - `/lessons/:slug` is a lesson.
 * - Anything else, including an unknown slug, is a not-found page that lists the lessons.
 * When a lesson file is invalid (only possible in dev: the build refuses it), every route shows
 * the error with its file and field instead.
 */
export function App({ course: courseProp, completion: completionProp }: AppProps) {
  const bundledCourse = useCourse();
  const given = useMemo(() => (courseProp ? wholeCourse(courseProp) : undefined), [courseProp]);
  const course = given?.outline ?? bundledCourse;
  const [location] = useLocation();
  // While a prerendered page hydrates, the menu's marks are a first visit's (use-hydrated.ts).
  const hydrated = useHydrated();
  const savedCompletion = useOutlineCompletion(
    hydrated ? appProgress() : firstVisitProgress(),
    course.ok ? course.lessons : NO_LESSONS,
  );
  const completion = completionProp ?? savedCompletion;
  useNavigationFocus(location);
  useEffect(() => {
    // Once per page: when the app is live (a prerendered page hydrated, or the first render).
    // The bench and the browser tests read it; it is the moment prerendered controls work.
    if (hydrated && performance.getEntriesByName(APP_READY_MARK).length === 0) {
      performance.mark(APP_READY_MARK);
      // A tab or button clicked on the prerendered page before now (early-run.ts) works now.
      replayEarlyClick();
    }
  }, [hydrated]);
  if (!course.ok) {
    return (
      <Layout>
        <LessonErrorTitle />
        <LessonErrorPage error={course.error} />
      </Layout>
    );
  }
  const { lessons } = course;
  return (
    <Switch>
      <Route path="/">
        <Layout lessons={lessons} completion={completion}>
          <OutlinePage lessons={lessons} completion={completion} />
        </Layout>
      </Route>
      <Route path="/lessons/:slug">
        <LessonRoute lessons={lessons} completion={completion} given={given?.bySlug} />
      </Route>
      <Route>
        <NotFoundRoute lessons={lessons} completion={completion} />
      </Route>
    </Switch>
  );
}

/** A course given whole: its outline, and its lessons by slug. */
function wholeCourse(course: CourseResult) {
  if (!course.ok) return { outline: course as CourseOutline, bySlug: new Map() };
  const outline: CourseOutline = {
    ok: true,
    lessons: course.lessons.map((lesson) => ({
      slug: lesson.slug,
      title: lesson.title,
      summary: lesson.summary,
      order: lesson.order,
      checksHash: hashChecks(lesson.checksSource),
    })),
  };
  return { outline, bySlug: new Map(course.lessons.map((lesson) => [lesson.slug, lesson])) };
}

interface RouteProps {
  lessons: LessonSummary[];
  completion?: Record<string, CompletionState>;
}

const noSubscription = () => () => {};

/** The lesson's chunk, once loaded; starts the load when it is not (src/main.tsx preloads the first). */
function useLessonChunk(slug: string, given: Map<string, RenderedLesson> | undefined) {
  const bundled = useSyncExternalStore(
    given ? noSubscription : subscribeCourse,
    () => (given ? undefined : getLoadedLesson(slug)),
    () => (given ? undefined : getLoadedLesson(slug)),
  );
  const lesson = given ? given.get(slug) : bundled;
  useEffect(() => {
    if (!given && !lesson) void loadLesson(slug).catch(() => undefined);
  }, [given, lesson, slug]);
  return lesson;
}

function LessonRoute({
  lessons,
  completion,
  given,
}: RouteProps & { given?: Map<string, RenderedLesson> }) {
  const { slug } = useParams<{ slug: string }>();
  const index = lessons.findIndex((lesson) => lesson.slug === slug);
  const lesson = useLessonChunk(index === -1 ? '' : slug, given);
  const loading = index !== -1 && !lesson;
  const waited = useRef(false);
  useEffect(() => {
    if (loading) waited.current = true;
    else if (waited.current) {
      // The navigation moved focus while only the loading state was on screen (no h1 yet):
      // move it to the lesson's heading now, as use-navigation-focus.ts does, without a ring.
      waited.current = false;
      document
        .querySelector<HTMLElement>('main h1')
        ?.focus({ preventScroll: true, focusVisible: false } as FocusOptions);
    }
  }, [loading]);
  if (index === -1) return <NotFoundRoute lessons={lessons} completion={completion} />;
  const summary = lessons[index];
  if (!lesson) {
    // Only while another lesson's chunk downloads (the first page's is loaded before hydration).
    return (
      <Layout lessons={lessons} currentSlug={summary.slug} completion={completion} wide>
        <LessonLoading title={summary.title} />
      </Layout>
    );
  }
  return (
    <Layout lessons={lessons} currentSlug={lesson.slug} completion={completion} wide>
      <LessonPage
        lesson={lesson}
        position={index + 1}
        total={lessons.length}
        previous={lessons[index - 1]}
        next={lessons[index + 1]}
      />
    </Layout>
  );
}

function NotFoundRoute({ lessons, completion }: RouteProps) {
  const [path] = useLocation();
  useDocumentTitle('Not found');
  return (
    <Layout lessons={lessons} completion={completion}>
      <NotFound path={path} lessons={lessons} />
    </Layout>
  );
}

function LessonLoading({ title }: { title: string }) {
  useDocumentTitle(title);
  return (
    <p className="lesson-loading" role="status">
      Loading {title}…
    </p>
  );
}

function LessonErrorTitle() {
  useDocumentTitle('Lesson error');
  return null;
}
