// @vitest-environment jsdom
import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useCourseCompletion } from '../../src/components/workspace/use-course-completion.ts';
import { createProgressStore, type ProgressStore } from '../../src/progress/progress-store.ts';
import { createMemoryStorage } from '../../src/progress/storage-adapter.ts';

const LESSONS = [
  { slug: 'one', checksSource: 'checks one' },
  { slug: 'two', checksSource: 'checks two' },
];

function Probe({ store }: { store: ProgressStore }) {
  return <p>{JSON.stringify(useCourseCompletion(store, LESSONS))}</p>;
}

describe(useCourseCompletion, () => {
  it('feeds the outline and updates after a passing run', () => {
    const store = createProgressStore(createMemoryStorage());
    render(<Probe store={store} />);
    expect(screen.getByText('{}')).toBeInTheDocument();
    act(() => store.recordRun('two', 'checks two', true));
    expect(screen.getByText('{"two":"passed"}')).toBeInTheDocument();
  });
});
