/**
 * The page's single playground client: one console store per page, kept across lesson
 * navigation like the runner. Created on first use; its worker starts on the first command.
 */
import {
  createPlaygroundClient,
  type PlaygroundClient,
} from '../../runner/browser/playground-client.ts';

let client: PlaygroundClient | undefined;

/** The page's playground client. */
export function appPlayground(): PlaygroundClient {
  client ??= createPlaygroundClient();
  return client;
}
