/**
 * A small, browser-safe stand-in for Node's `util.inspect` and `util.format`, for the learner's
 * console. It never calls learner getters or `toString`, and it treats every property read as
 * hostile: a value whose traps or getters throw prints as a placeholder, not a crash.
 */

const MAX_DEPTH = 2;
const MAX_ITEMS = 100;
const MAX_STRING = 10_000;
const BREAK_LENGTH = 80;
/** Node's default `compact: 3`: up to three inner levels may share one line. */
const COMPACT = 3;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

interface State {
  seen: unknown[];
  /** Node's ctx.indentationLvl: columns of indentation of the value being formatted. */
  indentation: number;
  /** Node's ctx.currentDepth: depth of the object most recently entered. */
  currentDepth: number;
}

/** Formats a value the way `util.inspect(value)` would, with depth 2 and no colours. */
export function inspect(value: unknown): string {
  try {
    return formatValue(value, 0, { seen: [], indentation: 0, currentDepth: 0 });
  } catch {
    return '[unreadable value]';
  }
}

/** Formats console arguments the way `util.format(...args)` would: `%s %d %i %f %j %o %O %c %%`. */
export function formatArgs(args: readonly unknown[]): string {
  if (args.length === 0) return '';
  const parts: string[] = [];
  let rest: number;
  const first = args[0];
  if (typeof first === 'string' && args.length > 1 && first.includes('%')) {
    let used = 1;
    const text = first.replace(/%([sdifjoOc%])/g, (match, code: string) => {
      if (code === '%') return '%';
      if (used >= args.length) return match;
      const arg = args[used++];
      switch (code) {
        case 's':
          return typeof arg === 'string' ? arg : inspect(arg);
        case 'd':
        case 'i':
          return formatNumberArg(arg, code === 'i');
        case 'f':
          return typeof arg === 'symbol' ? 'NaN' : String(Number.parseFloat(safeString(arg)));
        case 'j':
          return safeJson(arg);
        case 'c':
          return '';
        default:
          return inspect(arg);
      }
    });
    parts.push(text);
    rest = used;
  } else {
    parts.push(typeof first === 'string' ? first : inspect(first));
    rest = 1;
  }
  for (let i = rest; i < args.length; i++) {
    const arg = args[i];
    parts.push(typeof arg === 'string' ? arg : inspect(arg));
  }
  return parts.join(' ');
}

function formatNumberArg(arg: unknown, integer: boolean): string {
  if (typeof arg === 'bigint') return `${arg}n`;
  if (typeof arg === 'symbol' || (arg !== null && typeof arg === 'object')) return 'NaN';
  const n = Number(arg);
  return formatNumber(integer ? Math.trunc(n) : n);
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'symbol' ? value.toString() : String(value);
  } catch {
    return '';
  }
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 'undefined' : text;
  } catch (error) {
    return error instanceof TypeError && /circular/i.test(error.message)
      ? '[Circular]'
      : '[unserializable]';
  }
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function quote(text: string): string {
  const clipped = text.length > MAX_STRING ? text.slice(0, MAX_STRING) : text;
  const q = !clipped.includes("'")
    ? "'"
    : !clipped.includes('"')
      ? '"'
      : !clipped.includes('`')
        ? '`'
        : "'";
  let out = '';
  for (const ch of clipped) {
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch < ' ' || ch === '\x7f')
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`;
    else out += ch;
  }
  const more = text.length > MAX_STRING ? `... ${text.length - MAX_STRING} more characters` : '';
  return `${q}${out}${q}${more}`;
}

function formatPrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    default:
      return value === null ? 'null' : undefined;
  }
}

function tagOf(value: object): string {
  try {
    return Object.prototype.toString.call(value).slice(8, -1);
  } catch {
    return 'Object';
  }
}

function formatFunction(fn: (...args: never[]) => unknown): string {
  const tag = tagOf(fn);
  let name = '';
  try {
    const desc = Object.getOwnPropertyDescriptor(fn, 'name');
    if (desc && typeof desc.value === 'string') name = desc.value;
  } catch {
    // A proxy trap threw; print it nameless.
  }
  let isClass = false;
  try {
    // Only a function with a read-only own `prototype` can be a class (a class gets one that can
    // never change; arrows, methods and async functions have none, plain functions a writable
    // one): skip copying out the source text of every other function.
    isClass =
      Object.getOwnPropertyDescriptor(fn, 'prototype')?.writable === false &&
      Function.prototype.toString.call(fn).startsWith('class');
  } catch {
    // Proxies around functions cannot be stringified; treat as a function.
  }
  if (isClass) return name ? `[class ${name}]` : '[class (anonymous)]';
  const kind =
    tag === 'AsyncFunction' || tag === 'GeneratorFunction' || tag === 'AsyncGeneratorFunction'
      ? tag
      : 'Function';
  return name ? `[${kind}: ${name}]` : `[${kind} (anonymous)]`;
}

function constructorName(value: object): string | null {
  try {
    let proto = Object.getPrototypeOf(value);
    while (proto) {
      const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
      if (desc && typeof desc.value === 'function') {
        const nameDesc = Object.getOwnPropertyDescriptor(desc.value, 'name');
        if (nameDesc && typeof nameDesc.value === 'string' && nameDesc.value) return nameDesc.value;
      }
      proto = Object.getPrototypeOf(proto);
    }
    return null;
  } catch {
    return 'Object';
  }
}

function formatKey(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return IDENTIFIER.test(key) ? key : quote(key);
}

function formatError(error: object): string {
  let stack: unknown;
  let name: unknown;
  let message: unknown;
  try {
    const stackDesc = findDataProperty(error, 'stack');
    stack = stackDesc;
    name = findDataProperty(error, 'name');
    message = findDataProperty(error, 'message');
  } catch {
    return '[Error: unreadable]';
  }
  const head = `${typeof name === 'string' ? name : 'Error'}${typeof message === 'string' && message ? `: ${message}` : ''}`;
  if (typeof stack !== 'string') return `[${head}]`;
  // Show only the learner's own frames; host paths mean nothing to the learner.
  const frames = stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && line.includes('learner.ts'))
    .map(
      (line) =>
        `    ${line.trim().replace(/\(?[^\s(]*learner\.ts/, (m) => (m.startsWith('(') ? '(learner.ts' : 'learner.ts'))}`,
    );
  return [head, ...frames].join('\n');
}

/** Reads a data property along the prototype chain without running getters (the V8 stack accessor excepted). */
function findDataProperty(target: object, key: string): unknown {
  let obj: object | null = target;
  while (obj) {
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    if (desc) {
      if ('value' in desc) return desc.value;
      // V8 keeps `stack` as an own accessor on real errors; only that one is safe to call.
      if (key === 'stack' && obj === target && desc.get && isNativeFunction(desc.get))
        return Reflect.get(target, key);
      // Lockdown turns `Error.prototype.name` into an accessor on a frozen prototype.
      return obj !== target && Object.isFrozen(obj) && desc.get
        ? Reflect.apply(desc.get, target, [])
        : undefined;
    }
    obj = Object.getPrototypeOf(obj);
  }
  return undefined;
}

function isNativeFunction(fn: (...args: never[]) => unknown): boolean {
  try {
    return /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}

function formatValue(value: unknown, depth: number, state: State): string {
  const primitive = formatPrimitive(value);
  if (primitive !== undefined) return primitive;
  if (typeof value === 'function') return formatFunction(value as (...args: never[]) => unknown);
  const obj = value as object;
  if (state.seen.includes(obj)) return '[Circular]';
  const tag = tagOf(obj);
  if (tag === 'Error' || obj instanceof Error) return formatError(obj);
  if (tag === 'Date') {
    try {
      const time = Date.prototype.getTime.call(obj);
      return Number.isNaN(time) ? 'Invalid Date' : new Date(time).toISOString();
    } catch {
      return '[Date]';
    }
  }
  if (tag === 'RegExp') {
    try {
      return RegExp.prototype.toString.call(obj);
    } catch {
      return '[RegExp]';
    }
  }
  if (tag === 'Promise') return 'Promise { <pending> }';
  if (tag === 'WeakMap' || tag === 'WeakSet') return `${tag} { <items unknown> }`;

  const ctorName = constructorName(obj);
  const isArray = Array.isArray(obj);
  if (depth > MAX_DEPTH) {
    if (isArray) return '[Array]';
    return `[${ctorName ?? 'Object'}]`;
  }

  state.seen.push(obj);
  state.currentDepth = depth;
  state.indentation += 2;
  try {
    const items: string[] = [];
    let prefix = '';
    let open = '{';
    let close = '}';
    if (isArray) {
      open = '[';
      close = ']';
      const length = (obj as unknown[]).length;
      prefix = ctorName && ctorName !== 'Array' ? `${ctorName}(${length}) ` : '';
      const shown = Math.min(length, MAX_ITEMS);
      let holes = 0;
      for (let i = 0; i < shown; i++) {
        const desc = Object.getOwnPropertyDescriptor(obj, i);
        if (!desc) {
          holes++;
          continue;
        }
        if (holes) {
          items.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
          holes = 0;
        }
        items.push(formatProperty(desc, depth, state));
      }
      if (holes) items.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      if (length > MAX_ITEMS)
        items.push(`... ${length - MAX_ITEMS} more item${length - MAX_ITEMS > 1 ? 's' : ''}`);
      for (const key of Reflect.ownKeys(obj)) {
        if (typeof key === 'string' && (key === 'length' || /^\d+$/.test(key))) continue;
        pushOwn(obj, key, items, depth, state);
      }
    } else if (tag === 'Map' && obj instanceof Map) {
      prefix = `${ctorName ?? 'Map'}(${obj.size}) `;
      let count = 0;
      for (const [k, v] of Map.prototype.entries.call(obj)) {
        if (count++ >= MAX_ITEMS) {
          items.push(`... ${obj.size - MAX_ITEMS} more items`);
          break;
        }
        items.push(`${formatValue(k, depth + 1, state)} => ${formatValue(v, depth + 1, state)}`);
      }
    } else if (tag === 'Set' && obj instanceof Set) {
      prefix = `${ctorName ?? 'Set'}(${obj.size}) `;
      let count = 0;
      for (const v of Set.prototype.values.call(obj)) {
        if (count++ >= MAX_ITEMS) {
          items.push(`... ${obj.size - MAX_ITEMS} more items`);
          break;
        }
        items.push(formatValue(v, depth + 1, state));
      }
    } else if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
      open = '[';
      close = ']';
      const view = obj as unknown as ArrayLike<number>;
      prefix = `${ctorName ?? tag}(${view.length}) `;
      for (let i = 0; i < Math.min(view.length, MAX_ITEMS); i++) items.push(String(view[i]));
      if (view.length > MAX_ITEMS) items.push(`... ${view.length - MAX_ITEMS} more items`);
    } else {
      const proto = Object.getPrototypeOf(obj);
      if (proto === null) prefix = '[Object: null prototype] ';
      else if (ctorName && ctorName !== 'Object') prefix = `${ctorName} `;
      const keys = Reflect.ownKeys(obj);
      let count = 0;
      for (const key of keys) {
        if (count >= MAX_ITEMS) {
          items.push(`... ${keys.length - MAX_ITEMS} more properties`);
          break;
        }
        if (pushOwn(obj, key, items, depth, state)) count++;
      }
    }
    state.indentation -= 2;
    if (items.length === 0) return `${prefix}${open}${close}`;
    return reduceToSingleString(
      items,
      prefix,
      open,
      close,
      open === '[' ? (obj as unknown[]) : undefined,
      depth,
      state,
    );
  } catch {
    state.indentation -= 2;
    return '[unreadable object]';
  } finally {
    state.seen.pop();
  }
}

/** Adds one own enumerable property as `key: value`; returns whether it printed anything. */
function pushOwn(
  obj: object,
  key: string | symbol,
  items: string[],
  depth: number,
  state: State,
): boolean {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  if (!desc || !desc.enumerable) return false;
  items.push(`${formatKey(key)}: ${formatProperty(desc, depth, state)}`);
  return true;
}

function formatProperty(desc: PropertyDescriptor, depth: number, state: State): string {
  if ('value' in desc) return formatValue(desc.value, depth + 1, state);
  if (desc.get && desc.set) return '[Getter/Setter]';
  return desc.get ? '[Getter]' : '[Setter]';
}

/** Node's reduceToSingleString: one line when it fits, else one entry per line (arrays in columns). */
function reduceToSingleString(
  items: string[],
  prefix: string,
  open: string,
  close: string,
  array: readonly unknown[] | undefined,
  depth: number,
  state: State,
): string {
  const base = prefix.trimEnd();
  let output = items;
  const entries = output.length;
  if (open === '[' && entries > 6) output = groupArrayElements(output, array, state.indentation);
  if (state.currentDepth - depth < COMPACT && entries === output.length) {
    const start = output.length + state.indentation + open.length + base.length + 10;
    const total = output.reduce((sum, item) => sum + item.length, start + output.length);
    if (total <= BREAK_LENGTH && !base.includes('\n')) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) return `${prefix}${open} ${joined} ${close}`;
    }
  }
  const indentation = `\n${' '.repeat(state.indentation)}`;
  return `${prefix}${open}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${close}`;
}

/** Node's groupArrayElements: lays long arrays of short entries out in aligned columns. */
function groupArrayElements(
  output: string[],
  value: readonly unknown[] | undefined,
  indentation: number,
): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (/^\.\.\. \d+ more item/.test(output[output.length - 1])) outputLength--;
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (
    actualMax * 3 + indentation < BREAK_LENGTH &&
    (totalLength / actualMax > 5 || maxLength <= 6)
  ) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - indentation) / actualMax),
      COMPACT * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns)
        if (dataLen[j] > lineLength) lineLength = dataLen[j];
      maxLineLength.push(lineLength + separatorSpace);
    }
    const numeric =
      value !== undefined &&
      output.every(
        (_, i) => i >= outputLength || typeof value[i] === 'number' || typeof value[i] === 'bigint',
      );
    const grouped: string[] = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        line += numeric ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
      }
      line += numeric ? output[j].padStart(maxLineLength[j - i] - separatorSpace) : output[j];
      grouped.push(line);
    }
    if (outputLength < output.length) grouped.push(output[outputLength]);
    return grouped;
  }
  return output;
}
