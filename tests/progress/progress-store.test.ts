import { describe, expect, it } from 'vitest';
import { createMemoryStorage, type StorageAdapter } from '../../src/progress/storage-adapter.ts';
import { createProgressStore } from '../../src/progress/progress-store.ts';
import { STORAGE_KEY } from '../../src/progress/progress-schema.ts';
import { cyrb53, hashChecks } from '../../src/progress/checks-hash.ts';

const STARTER = 'export async function saveUser() {\n  // TODO\n}\n';
const CHECKS = 'export default defineChecks({ checks: [] });\n';

/** A persistent-looking fake: same as memory, but claims persistence like localStorage. */
function persistentFake(initial: Record<string, string> = {}) {
  return { ...createMemoryStorage(initial), persistent: true } satisfies StorageAdapter;
}

/** Two tabs sharing one storage: a write by one reaches the other as a `storage` event. */
function twoTabs() {
  const shared = createMemoryStorage();
  const tabs: { fire: (key: string, value: string) => void }[] = [];
  const makeTab = (): StorageAdapter => {
    const listeners = new Set<(key: string | null, value: string | null) => void>();
    const self = { fire: (key: string, value: string) => listeners.forEach((l) => l(key, value)) };
    tabs.push(self);
    return {
      persistent: true,
      read: shared.read,
      write(key, value) {
        shared.write(key, value);
        for (const tab of tabs) if (tab !== self) tab.fire(key, value);
      },
      remove: shared.remove,
      onExternalChange(listener) {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
  };
  return { a: createProgressStore(makeTab()), b: createProgressStore(makeTab()), shared };
}

describe('createProgressStore', () => {
  it('keeps code across a reload (a new store over the same storage)', () => {
    const storage = persistentFake();
    const first = createProgressStore(storage);
    expect(first.openLesson('kv', STARTER)).toBe(STARTER);
    expect(first.saveCode('kv', 'const mine = 1;')).toBe('saved');
    first.dispose();

    const reloaded = createProgressStore(storage);
    expect(reloaded.openLesson('kv', STARTER)).toBe('const mine = 1;');
  });

  it('does not store code that equals the starter', () => {
    const storage = persistentFake();
    const store = createProgressStore(storage);
    store.openLesson('kv', STARTER);
    expect(store.saveCode('kv', STARTER)).toBe('unchanged');
    expect(storage.read(STORAGE_KEY)).toBeNull();
  });

  it('keeps learner code when the lesson starter changes, and shows a new starter to those who never edited', () => {
    const storage = persistentFake();
    const store = createProgressStore(storage);
    store.openLesson('kv', STARTER);
    store.saveCode('kv', 'my edited code');
    store.openLesson('other', STARTER);
    store.saveCode('other', STARTER);

    const reloaded = createProgressStore(storage);
    expect(reloaded.openLesson('kv', '// a brand new starter')).toBe('my edited code');
    expect(reloaded.openLesson('other', '// a brand new starter')).toBe('// a brand new starter');
  });

  it('sets corrupt data aside under a cachelab:corrupt key with a notice instead of crashing', () => {
    const storage = persistentFake({ [STORAGE_KEY]: '{"version":1,"lessons":{"kv":{"code":42}}}' });
    const store = createProgressStore(storage, { now: () => 1700000000000 });
    expect(store.openLesson('kv', STARTER)).toBe(STARTER);
    expect(storage.read('cachelab:corrupt:1700000000000')).toBe(
      '{"version":1,"lessons":{"kv":{"code":42}}}',
    );
    expect(storage.read(STORAGE_KEY)).toBeNull();
    const [notice] = store.getSnapshot().notices;
    expect(notice?.kind).toBe('corrupt');
    expect(notice?.message).toMatch(/lessons\.kv\.code/);
    expect(notice?.message).toMatch(/cachelab:corrupt:1700000000000/);
  });

  it('sets aside data that is not JSON or belongs to another format', () => {
    for (const raw of ['not json{', '{"version":2,"lessons":{}}', '[1,2,3]']) {
      const storage = persistentFake({ [STORAGE_KEY]: raw });
      const store = createProgressStore(storage, { now: () => 5 });
      expect(store.getSnapshot().notices.map((n) => n.kind)).toEqual(['corrupt']);
      expect(storage.read('cachelab:corrupt:5')).toBe(raw);
      store.saveCode('kv', 'after');
      expect(JSON.parse(storage.read(STORAGE_KEY)!).lessons.kv.code).toBe('after');
    }
  });

  it('works in memory with a notice when storage is unavailable', () => {
    const store = createProgressStore(createMemoryStorage());
    expect(store.getSnapshot().persistent).toBe(false);
    expect(store.getSnapshot().notices[0]?.kind).toBe('memory-only');
    store.openLesson('kv', STARTER);
    expect(store.saveCode('kv', 'x')).toBe('saved');
  });

  it('reports a refused write without throwing', () => {
    const storage = persistentFake();
    storage.write = () => {
      throw new Error('QuotaExceededError');
    };
    const store = createProgressStore(storage);
    store.openLesson('kv', STARTER);
    expect(store.saveCode('kv', 'x')).toBe('failed');
    expect(store.getSnapshot().notices[0]?.message).toMatch(/QuotaExceededError/);
  });

  it('marks a lesson passed on the first all-passed run and stale once the checks change', () => {
    let clock = 1000;
    const store = createProgressStore(persistentFake(), { now: () => clock });
    store.openLesson('kv', STARTER);
    store.recordRun('kv', CHECKS, false);
    expect(store.completionOf('kv', CHECKS)).toBeUndefined();
    store.recordRun('kv', CHECKS, true);
    clock = 2000;
    store.recordRun('kv', CHECKS, true);
    expect(store.getSnapshot().data.lessons.kv?.completion?.passedAt).toBe(1000);
    expect(store.completionOf('kv', CHECKS)).toBe('passed');
    expect(store.completionOf('kv', CHECKS + '// stricter\n')).toBe('stale');
    expect(
      store.completionMap([
        { slug: 'kv', checksSource: CHECKS + '// stricter\n' },
        { slug: 'never', checksSource: CHECKS },
      ]),
    ).toEqual({ kv: 'stale' });
    store.recordRun('kv', CHECKS + '// stricter\n', true);
    expect(store.completionOf('kv', CHECKS + '// stricter\n')).toBe('passed');
  });

  it('round-trips progress through export and import', () => {
    const source = createProgressStore(persistentFake(), { now: () => 0 });
    source.openLesson('kv', STARTER);
    source.saveCode('kv', 'exported code');
    source.recordRun('kv', CHECKS, true);
    const file = source.exportJson();

    const target = createProgressStore(persistentFake());
    target.openLesson('kv', STARTER);
    const epoch = target.getSnapshot().epoch;
    expect(target.importJson(file)).toEqual({ ok: true, lessons: 1 });
    expect(target.getSnapshot().epoch).toBe(epoch + 1);
    expect(target.openLesson('kv', STARTER)).toBe('exported code');
    expect(target.completionOf('kv', CHECKS)).toBe('passed');
  });

  it('rejects an invalid import with a clear error and keeps existing progress', () => {
    const storage = persistentFake();
    const store = createProgressStore(storage);
    store.openLesson('kv', STARTER);
    store.saveCode('kv', 'keep me');
    const before = storage.read(STORAGE_KEY);

    expect(store.importJson('{oops')).toEqual({
      ok: false,
      error: expect.stringMatching(/^That file is not valid JSON/),
    });
    expect(store.importJson('{"hello":"world"}')).toEqual({
      ok: false,
      error: expect.stringMatching(/^That file is not a cachelab progress export \(app: /),
    });
    expect(
      store.importJson(
        '{"app":"cachelab","kind":"progress","version":3,"exportedAt":"","lessons":{}}',
      ),
    ).toEqual({ ok: false, error: expect.stringMatching(/newer cachelab \(format 3\)/) });
    expect(storage.read(STORAGE_KEY)).toBe(before);
  });

  it('clears all progress', () => {
    const storage = persistentFake();
    const store = createProgressStore(storage);
    store.openLesson('kv', STARTER);
    store.saveCode('kv', 'gone soon');
    store.recordRun('kv', CHECKS, true);
    store.clearAll();
    expect(storage.read(STORAGE_KEY)).toBeNull();
    expect(store.completionOf('kv', CHECKS)).toBeUndefined();
    expect(store.openLesson('kv', STARTER)).toBe(STARTER);
  });
});

describe('two tabs on the same lesson', () => {
  it('raises a conflict instead of overwriting, and settles it either way', () => {
    const { a, b, shared } = twoTabs();
    a.openLesson('kv', STARTER);
    b.openLesson('kv', STARTER);
    expect(a.saveCode('kv', 'from tab A')).toBe('saved');
    expect(b.getSnapshot().conflicts.kv?.theirCode).toBe('from tab A');
    expect(b.saveCode('kv', 'from tab B')).toBe('conflict');
    expect(JSON.parse(shared.read(STORAGE_KEY)!).lessons.kv.code).toBe('from tab A');

    expect(b.resolveConflict('kv', 'mine', 'from tab B')).toBe('from tab B');
    expect(b.getSnapshot().conflicts.kv).toBeUndefined();
    expect(JSON.parse(shared.read(STORAGE_KEY)!).lessons.kv.code).toBe('from tab B');
    expect(a.getSnapshot().conflicts.kv?.theirCode).toBe('from tab B');
    expect(a.resolveConflict('kv', 'theirs', 'from tab A')).toBe('from tab B');
    expect(a.saveCode('kv', 'A continues')).toBe('saved');
  });

  it('detects a conflict on save even when the storage event was missed', () => {
    const storage = persistentFake();
    const a = createProgressStore(storage);
    const b = createProgressStore({ ...storage, onExternalChange: () => () => {} });
    a.openLesson('kv', STARTER);
    b.openLesson('kv', STARTER);
    a.saveCode('kv', 'A');
    expect(b.saveCode('kv', 'B')).toBe('conflict');
    expect(b.getSnapshot().conflicts.kv?.theirCode).toBe('A');
  });

  it('does not raise a conflict for other lessons or identical code', () => {
    const { a, b } = twoTabs();
    a.openLesson('kv', STARTER);
    b.openLesson('other', STARTER);
    a.saveCode('kv', 'A');
    expect(b.getSnapshot().conflicts).toEqual({});
    expect(b.getSnapshot().data.lessons.kv?.code).toBe('A');
    b.openLesson('kv', STARTER);
    a.saveCode('kv', 'A2');
    expect(b.getSnapshot().conflicts.kv).toBeDefined();
  });

  it('keeps completion written by another tab for the outline', () => {
    const { a, b } = twoTabs();
    a.openLesson('kv', STARTER);
    a.recordRun('kv', CHECKS, true);
    expect(b.completionOf('kv', CHECKS)).toBe('passed');
  });
});

describe(hashChecks, () => {
  it('is stable, sensitive to content and blind to line endings', () => {
    expect(cyrb53('a')).toMatch(/^[0-9a-f]{14}$/);
    expect(hashChecks('x\ny')).toBe(hashChecks('x\r\ny'));
    expect(hashChecks('x\ny')).not.toBe(hashChecks('x\nz'));
  });
});
