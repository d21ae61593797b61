/**
 * Loads a page service (the runner client, the playground client) on first use instead of with
 * the page. Their modules (the supervisor, the zod protocol schemas, the keyspace snapshot
 * reader) made up about a fifth of the main bundle, parsed and run on the main thread while a
 * phone was still painting the lesson, although nothing needs them before the first warm-up or
 * Run. A chunk that fails to load (offline, a deploy replaced it) is tried again on the next call,
 * so a Retry can recover.
 */
export function lazyService<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
