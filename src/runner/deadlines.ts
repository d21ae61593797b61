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
   * thenable): its `then` is called through the intrinsic. `onTimeout` learns whether the wait
   * was found due by `poll`, that is while code was still sending Redis commands (busy), rather
   * than by the timer (idle: nothing ran, as with a promise never settled).
   */
  race<T>(promise: Promise<T>, ms: number, onTimeout: (busy: boolean) => Error): Promise<T>;
  /**
   * Fails the waits that are already due, now, without waiting for the timer. The timer is a
   * task, and learner code that keeps awaiting promises that settle at once (an async loop over
   * sandbox Redis commands, whose replies are microtasks) never lets a task run: its call would
   * only end at the host's whole-run limit. The sandbox client calls this before each command.
   */
  poll(): void;
}

interface Waiting {
  at: number;
  expire(busy: boolean): void;
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
    timer = setTimeout(() => fire(false), Math.max(0, at - now()));
  };

  const fire = (busy = false) => {
    timer = undefined;
    armedFor = Infinity;
    const time = now();
    let next = Infinity;
    for (const wait of waiting) {
      if (wait.at <= time) {
        waiting.delete(wait);
        wait.expire(busy);
      } else if (wait.at < next) {
        next = wait.at;
      }
    }
    if (next !== Infinity) arm(next);
  };

  return {
    poll() {
      if (armedFor <= now()) {
        clearTimeout(timer);
        fire(true);
      }
    },
    race<T>(promise: Promise<T>, ms: number, onTimeout: (busy: boolean) => Error): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const wait: Waiting = { at: now() + ms, expire: (busy) => reject(onTimeout(busy)) };
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
