import { Route, Switch, useLocation, useParams } from 'wouter';
import type { CompletionState } from '../components/CourseOutline.tsx';
import { LessonErrorPage } from '../components/LessonErrorPage.tsx';
import { NotFound } from '../components/NotFound.tsx';
import { useDocumentTitle } from '../hooks/use-document-title.ts';
import { useNavigationFocus } from '../hooks/use-navigation-focus.ts';
import { useCourse } from '../hooks/use-course.ts';
import type { CourseResult } from '../lessons/course-source.ts';
import type { RenderedLesson } from '../lessons/render-lesson.ts';
import { Layout } from './Layout.tsx';
import { LessonPage } from './LessonPage.tsx';
import { OutlinePage } from './OutlinePage.tsx';
import { appProgress } from '../components/workspace/app-services.ts';
import { useCourseCompletion } from '../components/workspace/use-course-completion.ts';

const NO_LESSONS: RenderedLesson[] = [];

/** Props for {@link App}. */
export interface AppProps {
  /** The course to serve; defaults to the lessons bundled from lessons/. */
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
  const course = courseProp ?? bundledCourse;
  const [location] = useLocation();
  const savedCompletion = useCourseCompletion(
    appProgress(),
    course.ok ? course.lessons : NO_LESSONS,
  );
  const completion = completionProp ?? savedCompletion;
  useNavigationFocus(location);
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
        <LessonRoute lessons={lessons} completion={completion} />
      </Route>
      <Route>
        <NotFoundRoute lessons={lessons} completion={completion} />
      </Route>
    </Switch>
  );
}

interface RouteProps {
  lessons: RenderedLesson[];
  completion?: Record<string, CompletionState>;
}

function LessonRoute({ lessons, completion }: RouteProps) {
  const { slug } = useParams<{ slug: string }>();
  const index = lessons.findIndex((lesson) => lesson.slug === slug);
  if (index === -1) return <NotFoundRoute lessons={lessons} completion={completion} />;
  const lesson = lessons[index];
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

function LessonErrorTitle() {
  useDocumentTitle('Lesson error');
  return null;
}
