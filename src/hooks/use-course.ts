import { useSyncExternalStore } from 'react';
import { getCourse, subscribeCourse, type CourseOutline } from '../lessons/course-source.ts';

/** The bundled course outline; re-renders when a lesson is edited in dev. */
export function useCourse(): CourseOutline {
  return useSyncExternalStore(subscribeCourse, getCourse, getCourse);
}
