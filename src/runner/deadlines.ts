/**
 * Soft timeouts for the many short waits of a run, on one host timer.
 *
 * A warm run of lesson 1 makes about 45 learner calls and 15 checks, and each needs a timeout in
 * case learner code never settles a promise. One `setTimeout` + `clearTimeout` pair per wait cost
 * more than a millisecond per run in Chromium's worker (a fifth of the whole run), so the waits
 * share one timer instead: it is armed for the earliest deadline, and settled waits simply leave
 * the list. When it fires it fails the waits that are due and re-arms for the next deadline, or
 * stops. It is only cleared when a wait with an earlier deadline arrives (about once a run).
 */

/** A deadline set for one run. */
export interface Deadlines {
  /**
   * Settles like `promise`, or rejects with `onTimeout()` if `promise` is still pending after
   * `ms` real milliseconds. `promise` must be a native promise the caller made (not a learner
   * thenable): its `then` is called through the intrinsic.
   */
  race<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T>;
}

interface Waiting {
  at: number;
  expire(): void;
}

/** Creates the deadlines of one run; `now` is a monotonic clock in ms (real time, never the fake clock). */
export function createDeadlines(now: () => number = () => performance.now()): Deadlines {
  const waiting = new Set<Waiting>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires; Infinity when none is armed. */
  let armedFor = Infinity;

  const arm = (at: number) => {
    if (timer !== undefined) clearTimeout(timer);
    armedFor = at;
    timer = setTimeout(fire, Math.max(0, at - now()));
  };

  const fire = () => {
    timer = undefined;
    armedFor = Infinity;
    const time = now();
    let next = Infinity;
    for (const wait of waiting) {
      if (wait.at <= time) {
        waiting.delete(wait);
        wait.expire();
      } else if (wait.at < next) {
        next = wait.at;
      }
    }
    if (next !== Infinity) arm(next);
  };

  return {
    race<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const wait: Waiting = { at: now() + ms, expire: () => reject(onTimeout()) };
        waiting.add(wait);
        // A timer armed for an earlier deadline re-arms for this one when it fires.
        if (wait.at < armedFor) arm(wait.at);
        Promise.prototype.then.call(
          promise,
          (value: T) => {
            waiting.delete(wait);
            resolve(value);
          },
          (error: unknown) => {
            waiting.delete(wait);
            reject(error);
          },
        );
      });
    },
  };
}
