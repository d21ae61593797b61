/**
 * The learner's module: compiled once per run in the run's compartment, then evaluated afresh
 * (its body run again, with its own `require`, `exports`, timers and `ioredis` module) for every
 * check and every `ctx.newServer()`. So nothing a module keeps at the top level (counters,
 * caches, a "mutex") survives into another check or is shared with another "server". An
 * evaluation is bound to one store after it loaded; until then its Redis clients refuse
 * commands, and once its check is over it is closed for good.
 */
import type { ConsoleCapture } from './console-capture.ts';
import type { RealmClock } from './harden.ts';
import type { RunError } from './report.ts';
import { createSandbox, createTimers, TIMER_NAMES, type TimerScope } from './sandbox.ts';
import { createIoredisModule, type StoreBinding } from './sandbox-redis.ts';
import { learnerPosition, thrownMessage } from './thrown.ts';

/** A loaded evaluation of the learner's module. */
export interface LearnerInstance {
  /** The exports, read once after loading. */
  exports: ReadonlyMap<string, unknown>;
  /** Its timers. */
  timers: TimerScope;
  /** Connects its Redis clients to a check's store. */
  attach(binding: StoreBinding): void;
  /** Ends it: timers cancelled and refused, clients closed. */
  close(): void;
}

/** What compiling needs from the run. */
export interface CompileOptions {
  /** The transpiled module (transpile.ts). */
  code: string;
  /** Column shift of line 1, for mapping positions. */
  line1Shift: number | null;
  /** The run's console. */
  capture: ConsoleCapture;
  /** The realm clock. */
  clock: RealmClock;
  /** Told when a client of an evaluation is used after its check ended (the running check fails). */
  onStale?(note: string): void;
}

/** What a Redis client of a check that is over answers. */
export const CLOSED_CLIENT = 'This Redis client belonged to an earlier check and is closed';

/** The outcome of loading: an instance, or a compile/load error for the report. */
export type LoadResult = { ok: true; instance: LearnerInstance } | { ok: false; error: RunError };

/** A compiled module that can be evaluated any number of times, until the run closes it. */
export type CompiledModule =
  { ok: true; load(): LoadResult; close(): void } | { ok: false; error: RunError };

/**
 * The last compiled module function and its code. Decision: learners re-run unchanged code
 * often, and compiling it in the compartment cost about 0.3 ms per run; the function is only a
 * wrapper whose body runs afresh, with fresh parameters, for every evaluation, it is never
 * handed to learner code (the body is strict code and cannot name it), and it closes over the
 * realm's frozen global object only, so reusing it carries nothing from one run to the next.
 */
let lastCompiled: { code: string; factory: unknown } | undefined;

/** Compiles the learner's module in the realm's compartment for one run. */
export function compileLearnerModule(options: CompileOptions): CompiledModule {
  const sandbox = createSandbox(options.capture, options.clock);
  // A syntax error V8 finds (that sucrase let through) is a compile error; anything thrown by
  // the module body (in load) is a load error.
  let factory: unknown;
  if (lastCompiled?.code === options.code) factory = lastCompiled.factory;
  else {
    try {
      factory = sandbox.evaluate(options.code);
    } catch (error) {
      sandbox.close();
      return { ok: false, error: loadError('compile', error, options.line1Shift) };
    }
    // Hardened, although learner code has no way to name it: a property on it would outlive the run.
    lastCompiled = { code: options.code, factory: harden(factory) };
  }
  return { ok: true, load: () => evaluate(factory, options), close: () => sandbox.close() };
}

function evaluate(factory: unknown, options: CompileOptions): LoadResult {
  const timers = createTimers(options.capture);
  let binding: StoreBinding | undefined;
  let closed = false;
  const ioredis = createIoredisModule(() => {
    if (closed || (binding && !binding.open)) {
      options.onStale?.(CLOSED_CLIENT);
      throw new Error(CLOSED_CLIENT);
    }
    if (!binding)
      throw new Error(
        'Redis commands can only run inside your functions, not while your module loads',
      );
    return binding;
  });
  // A new arrow function: freezing it is all harden would do.
  const require = Object.freeze((specifier: unknown) => {
    if (specifier === 'ioredis') return ioredis;
    throw new Error(
      `Cannot import "${typeof specifier === 'string' ? specifier : typeof specifier}": only 'ioredis' is available in the cachelab sandbox`,
    );
  });
  const fail = (error: RunError): LoadResult => {
    timers.scope.close();
    closed = true;
    return { ok: false, error };
  };
  const moduleRecord = { exports: {} as Record<string, unknown> };
  // Pushed, not spread: after lockdown an array spread takes V8's slow path.
  const parameters: unknown[] = [require, moduleRecord.exports, moduleRecord];
  for (const name of TIMER_NAMES) parameters.push(timers.functions[name]);
  parameters.push(options.capture.console);
  try {
    Reflect.apply(factory as (...args: unknown[]) => unknown, undefined, parameters);
  } catch (error) {
    return fail(loadError('load', error, options.line1Shift));
  }
  // Timers a module starts while loading never fire: loading is not part of any check.
  timers.scope.cancelAll();
  const exports = readExports(moduleRecord);
  if (!exports) return fail({ kind: 'load', message: "Your module's exports could not be read" });
  return {
    ok: true,
    instance: {
      exports,
      timers: timers.scope,
      attach(next) {
        binding = next;
      },
      close() {
        closed = true;
        timers.scope.close();
      },
    },
  };
}

/** One sentence, the line in its own field: "Your code threw while loading: boom". */
function loadError(kind: 'compile' | 'load', error: unknown, line1Shift: number | null): RunError {
  let message = oneLine(thrownMessage(error));
  let position = learnerPosition(error, line1Shift);
  if (kind === 'compile') {
    // SES rejects some source text (direct eval, import(), HTML comments) before V8 parses it;
    // its message names the place as "learner.ts:N" or "(learner.ts:N)".
    const sesLine = /\(?learner\.ts:(\d+)(?::\d+)?\)?/.exec(message);
    if (!position && sesLine && Number(sesLine[1]) >= 1) position = { line: Number(sesLine[1]) };
    message = message.replace(/\s*\(?(?:at )?learner\.ts:\d+(?::\d+)?\)?/g, '').trim();
  } else {
    // A module that rethrows our own load error must not read "...loading: ...loading: boom".
    message = message.replace(/^(?:line \d+: )?(?:Your code threw while loading: )+/, '');
    message = `Your code threw while loading: ${message}`;
  }
  return {
    kind,
    message,
    ...(position ? { line: position.line } : {}),
    ...(position?.column ? { column: position.column } : {}),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Reads the learner's exports once, so later getter tricks cannot change what checks call. */
function readExports(moduleRecord: { exports: unknown }): Map<string, unknown> | undefined {
  try {
    const exportsObject = moduleRecord.exports;
    const map = new Map<string, unknown>();
    if (
      exportsObject === null ||
      (typeof exportsObject !== 'object' && typeof exportsObject !== 'function')
    )
      return map;
    for (const key of Reflect.ownKeys(exportsObject)) {
      if (typeof key !== 'string') continue;
      const desc = Reflect.getOwnPropertyDescriptor(exportsObject, key);
      if (!desc) continue;
      map.set(
        key,
        'value' in desc
          ? desc.value
          : desc.get
            ? Reflect.apply(desc.get, exportsObject, [])
            : undefined,
      );
    }
    return map;
  } catch {
    return undefined;
  }
}
