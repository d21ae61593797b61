/**
 * The page's single playground client: one console store per page, kept across lesson
 * navigation like the runner. Created on first use; its code is its own chunk, downloaded with
 * the first command (lazy-service.ts), and its worker starts then too.
 */
import type { PlaygroundClient } from '../../runner/browser/playground-client.ts';
import { lazyService } from '../workspace/lazy-service.ts';

let client: PlaygroundClient | undefined;

/** The page's playground client. */
export function appPlayground(): PlaygroundClient {
  if (client) return client;
  const real = lazyService(() =>
    import('../../runner/browser/playground-client.ts').then((module) =>
      module.createPlaygroundClient(),
    ),
  );
  let started = false;
  client = {
    exec: (line) => {
      started = true;
      return real().then((c) => c.exec(line));
    },
    load: (snapshot) => {
      started = true;
      return real().then((c) => c.load(snapshot));
    },
    // Nothing to stop if nothing was ever sent.
    dispose: () => {
      if (started) void real().then((c) => c.dispose());
    },
  };
  return client;
}
