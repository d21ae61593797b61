import { useSyncExternalStore } from 'react';
import { getCourse, subscribeCourse, type CourseResult } from '../lessons/course-source.ts';

/** The bundled course; re-renders when a lesson is edited in dev. */
export function useCourse(): CourseResult {
  return useSyncExternalStore(subscribeCourse, getCourse, getCourse);
}
