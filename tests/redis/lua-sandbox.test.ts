/**
 * Learner Lua, tried as an attacker would. Every route to the host must end in an error reply
 * (or nothing) with no effect; each trick has a control showing its vehicle works normally, so
 * the test can fail.
 */
import RedisMock from 'ioredis-mock';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/redis/fidelity/engine.ts';
import type { Arg, Reply, Store } from '../../src/redis/fidelity/types.ts';
import { ReplyError } from '../../src/redis/reply-error.ts';
import { DEFAULT_BUDGET, runScript, type ScriptBudget } from '../../src/redis/lua/vm.ts';

let hosts = 0;

function server() {
  const host = `lua-sandbox-${++hosts}`;
  const log: string[][] = [];
  const engine = createEngine({
    storeFor: (db) => new RedisMock({ host, db, lazyConnect: true }) as unknown as Store,
    observe: (argv) => log.push(argv.map(String)),
  });
  const conn = engine.connect();
  const evalScript = (script: string, ...rest: Arg[]): Reply =>
    engine.execute(conn, ['EVAL', script, String(rest.length > 0 ? rest.length : 0), ...rest]);
  return { engine, conn, evalScript, log, run: (...argv: Arg[]) => engine.execute(conn, argv) };
}

const text = (reply: Reply): string =>
  reply instanceof ReplyError ? reply.message : JSON.stringify(reply);
const isError = (reply: Reply) => reply instanceof ReplyError;

/** Nothing of the host in a reply: no paths, no JS source, no stack frames. */
function expectNoHostText(reply: Reply): void {
  const t = text(reply);
  expect(t).not.toMatch(/\/work\/|node_modules|\.js:\d|\.ts:\d|\bat \w+ \(|fengari|function \w*\(/);
}

describe('host libraries do not exist', () => {
  it.each([
    'os',
    'io',
    'package',
    'debug',
    'require',
    'dofile',
    'loadfile',
    'print',
    'utf8',
    'getfenv',
    'setfenv',
    'module',
    'js',
    'newproxy',
  ])('%s is a nonexistent global', (name) => {
    const { evalScript } = server();
    const reply = evalScript(`return type(${name})`);
    expect(text(reply)).toContain(`nonexistent global variable '${name}'`);
    expectNoHostText(reply);
  });

  it('control: the libraries Redis has are there', () => {
    const { evalScript } = server();
    expect(
      evalScript(
        'return type(string) .. type(table) .. type(math) .. type(redis) .. type(cjson) .. type(bit) .. type(struct) .. type(coroutine) .. type(loadstring)',
      ),
    ).toBe('tabletabletabletabletabletabletabletablefunction');
  });

  it.each([
    'return _G.os',
    'return _ENV.package',
    'return rawget(_G, "os")',
    'return rawget(_G, "redis")',
    'return getmetatable(_G)',
    'return getmetatable(string)',
    'local e = _ENV; return e.debug',
    'return (getmetatable("").__index).dump',
    'return string.dump',
    'return getmetatable("").__index.os',
  ])('%s reaches nothing', (script) => {
    const { evalScript } = server();
    const reply = evalScript(script);
    // Either Redis's nonexistent-global error or nil/false: never a table or function.
    if (!isError(reply)) expect(reply === null || reply === 0).toBe(true);
    else expect(text(reply)).toMatch(/nonexistent global variable/);
  });

  it('control: _G and the string metatable do lead to what Redis exposes', () => {
    const { evalScript } = server();
    expect(evalScript('return _G.redis.sha1hex("")')).toBe(
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    );
    expect(evalScript('return getmetatable("").__index.upper("x")')).toBe('X');
  });
});

describe('loaders compile text only, into the sandbox', () => {
  it('refuses binary chunks', () => {
    const { evalScript } = server();
    expect(
      evalScript('local f, e = loadstring("\\27Lua\\83\\0\\25\\147\\13\\10\\26\\10") return e'),
    ).toMatch(/binary chunk/);
    expect(
      evalScript(
        'local done = false local f, e = load(function() if done then return nil end done = true return "\\27Lua" end) return e',
      ),
    ).toMatch(/binary chunk/);
  });

  it('gives loaded chunks the same protected environment', () => {
    const { evalScript } = server();
    expect(text(evalScript('return loadstring("return os")()'))).toContain(
      "nonexistent global variable 'os'",
    );
    expect(text(evalScript('return loadstring("x = 1")()'))).toContain(
      'Attempt to modify a readonly table',
    );
  });

  it('control: text chunks load and run', () => {
    const { evalScript } = server();
    expect(evalScript('return loadstring("return 40 + 2")()')).toBe(42);
  });
});

describe('redis.call takes Redis command names only', () => {
  it.each([
    ['redis.call({})', 'must be strings or integers'],
    ['redis.call(function() end)', 'must be strings or integers'],
    ['redis.call(nil)', 'must be strings or integers'],
    [
      'redis.call(setmetatable({}, {__tostring = function() return "get" end}), "k")',
      'must be strings or integers',
    ],
    [
      'redis.call("get", setmetatable({}, {__tostring = function() return "k" end}))',
      'must be strings or integers',
    ],
    ['redis.call("evaluate", "return 1", 0)', 'Unknown Redis command called from script'],
    ['redis.call("defineCommand", "x")', 'Unknown Redis command called from script'],
    ['redis.call("customCommand", "x")', 'Unknown Redis command called from script'],
    ['redis.call("hgetallBuffer", "k")', 'Unknown Redis command called from script'],
    ['redis.call("createBuiltinCommand")', 'Unknown Redis command called from script'],
    ['redis.call(" eval", "return 1", 0)', 'Unknown Redis command called from script'],
    ['redis.call("eval ", "return 1", 0)', 'Unknown Redis command called from script'],
    ['redis.call("eval\\0", "return 1", 0)', 'Unknown Redis command called from script'],
    ['redis.call("EVAL", "return 1", 0)', 'This Redis command is not allowed from script'],
    ['redis.call("EvAl", "return 1", 0)', 'This Redis command is not allowed from script'],
    ['redis.call("eval_ro", "return 1", 0)', 'This Redis command is not allowed from script'],
    [
      'redis.call("evalsha", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", 0)',
      'This Redis command is not allowed from script',
    ],
    [
      'redis.call("evalsha_ro", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", 0)',
      'This Redis command is not allowed from script',
    ],
    ['redis.call("script", "load", "return 1")', 'This Redis command is not allowed from script'],
    ['redis.call("fcall", "f", 0)', 'This Redis command is not allowed from script'],
    ['redis.call("function", "load", "x")', 'This Redis command is not allowed from script'],
    [
      'redis.call(string.upper("ev" .. "al"), "return 1", 0)',
      'This Redis command is not allowed from script',
    ],
  ])('%s is refused', (call, expected) => {
    const { evalScript, log } = server();
    const reply = evalScript(`return ${call}`);
    expect(text(reply)).toContain(expected);
    expectNoHostText(reply);
    // Nothing ran inside the script: only the EVAL itself was executed.
    expect(log).toHaveLength(1);
  });

  it('control: a real command name runs, whatever its case', () => {
    const { evalScript, log } = server();
    expect(evalScript('redis.call("SeT", "k", "v") return redis.call("get", "k")')).toBe('v');
    expect(log.map((argv) => argv[0])).toEqual(['SeT', 'get', 'EVAL']);
  });

  it('a script that calls EVAL through pcall still cannot run one', () => {
    const { evalScript, run } = server();
    const reply = evalScript(
      'local r = redis.pcall("eval", "redis.call(\'set\', \'x\', 1)", 0) return r',
    );
    expect(text(reply)).toBe('ERR This Redis command is not allowed from script');
    expect(run('EXISTS', 'x')).toBe(0);
  });

  it('a nested runScript call is refused even if the command table were bypassed', () => {
    let inner: Reply = null;
    const outer = runScript({
      body: new TextEncoder().encode('return redis.call("get", "x")'),
      sha: 'outer',
      keys: [],
      args: [],
      readOnly: false,
      call: () => {
        inner = runScript({
          body: new TextEncoder().encode('return 1'),
          sha: 'inner',
          keys: [],
          args: [],
          readOnly: false,
          call: () => null,
        });
        return inner;
      },
    });
    expect(text(inner)).toBe('ERR This Redis command is not allowed from script');
    expect(text(outer)).toContain('ERR This Redis command is not allowed from script');
  });
});

describe('bounded time', () => {
  it('while true do end through EVAL ends with the budget error of the default budget', () => {
    const { evalScript } = server();
    const start = performance.now();
    const reply = evalScript('while true do end');
    expect(text(reply)).toMatch(
      new RegExp(
        `^ERR cachelab: script exceeded its time budget \\(${DEFAULT_BUDGET.instructions} `,
      ),
    );
    expect(performance.now() - start).toBeLessThan(6_000);
  }, 10_000);

  // Every way to keep a loop alive (a pcall, a coroutine, an xpcall handler) against the same
  // instruction hook, with a two-hundredth of the default budget (ten hook steps): the hook is
  // what is tested, and the default budget costs about a second of CPU per case (the case above
  // keeps it covered). At a twentieth, `pcall(error, "x")` ran into the 1.5 s wall limit first
  // (measured: 1.5 s per run); at this size every loop ends in well under half a second.
  const small: ScriptBudget = { instructions: DEFAULT_BUDGET.instructions / 200, wallMs: 1_500 };
  it.each([
    'local function f() while true do end end f()',
    'while true do pcall(function() while true do end end) end',
    'local co = coroutine.wrap(function() while true do end end) co()',
    'while true do pcall(error, "x") end',
    'local ok = xpcall(function() while true do end end, function() while true do end end) while true do end',
  ])(
    '%s ends with the budget error',
    (script) => {
      const start = performance.now();
      const reply = runScript({
        body: new TextEncoder().encode(script),
        sha: 'loop',
        keys: [],
        args: [],
        readOnly: false,
        call: () => null,
        budget: small,
      });
      expect(text(reply)).toMatch(
        new RegExp(`^ERR cachelab: script exceeded its time budget \\(${small.instructions} `),
      );
      expect(performance.now() - start).toBeLessThan(6_000);
    },
    10_000,
  );

  it('control: a long but finite loop completes', () => {
    const { evalScript } = server();
    expect(evalScript('local n = 0 for i = 1, 100000 do n = n + 1 end return n')).toBe(100000);
    expect(
      evalScript('local co = coroutine.wrap(function() coroutine.yield(7) end) return co()'),
    ).toBe(7);
  });
});

describe('bounded memory and depth', () => {
  it.each([
    ['return #string.rep("x", 2^40)', 'resulting string too large'],
    ['return #string.rep("xxxxxxxx", 2^24, "yy")', 'resulting string too large'],
    [
      'local t = {} for i = 1, 20 do t[i] = string.rep("x", 2^22) end return #table.concat(t)',
      'resulting string too large',
    ],
    [
      'return #string.gsub(string.rep("x", 2^20), "x", string.rep("y", 2^10))',
      'resulting string too large',
    ],
    [
      'local big = string.rep("y", 2^20) return #string.gsub(string.rep("x", 2^10), "x", function() return big end)',
      'resulting string too large',
    ],
    ['local t = {} t[1] = t return cjson.encode(t)', 'excessive nesting'],
    // fengari's Lua stack is larger than Redis's: the budget may end this before it overflows.
    ['local function f() return f() + 1 end return f()', /stack overflow|time budget/],
  ])(
    '%s is stopped',
    (script, expected) => {
      const { evalScript } = server();
      const reply = evalScript(script);
      expect(isError(reply)).toBe(true);
      expect(text(reply)).toMatch(expected);
      expectNoHostText(reply);
    },
    10_000,
  );

  it('recursion through pcall ends in a catchable stack overflow', () => {
    const { evalScript } = server();
    expect(evalScript('local function f() local ok, e = pcall(f) return e end return f()')).toMatch(
      /stack overflow/,
    );
  });

  it('control: the same calls work at a sane size', () => {
    const { evalScript } = server();
    expect(evalScript('return #string.rep("x", 1000)')).toBe(1000);
    expect(evalScript('return table.concat({"a", "b", 1}, "-")')).toBe('a-b-1');
    expect(evalScript('return (string.gsub("abc", "b", function() return "XY" end))')).toBe('aXYc');
    expect(
      evalScript(
        'local function f(n) if n == 0 then return 0 end return f(n - 1) + 1 end return f(100)',
      ),
    ).toBe(100);
  });
});

describe('nothing survives a script', () => {
  it('a fresh VM per EVAL: changes to the string library or globals do not persist', () => {
    const { evalScript } = server();
    // Redis 7 refuses the write through the string metatable too (measured on 7.0.15).
    expect(
      text(
        evalScript(
          'getmetatable("").__index.upper = function() return "planted" end return ("a"):upper()',
        ),
      ),
    ).toContain('Attempt to modify a readonly table');
    // Control: the vehicle itself works: the metatable leads to the string library.
    expect(evalScript('return getmetatable("").__index.upper("a")')).toBe('A');
    // The next script gets a brand-new state.
    expect(evalScript('return ("a"):upper()')).toBe('A');
    expect(text(evalScript('return planted'))).toContain("nonexistent global variable 'planted'");
  });

  it('collectgarbage is harmless and keeps nothing', () => {
    const { evalScript } = server();
    expect(evalScript('collectgarbage("collect") return collectgarbage("count")')).toBe(0);
  });

  it('only strings and numbers leave a script', () => {
    const { evalScript } = server();
    const reply = evalScript(
      'return {tostring, coroutine.create(function() end), cjson.null, {}, 1, "a"}',
    );
    // Functions, threads and userdata become nil; tables become arrays.
    expect(reply).toEqual([null, null, null, [], 1, 'a']);
  });
});

describe('errors show nothing of the host', () => {
  it.each([
    'error(setmetatable({}, {__tostring = function() error("x") end}))',
    'return string.format("%d", {})',
    'return ("x"):bad()',
    'return cjson.decode(string.rep("[", 2000))',
    'return struct.pack("i9", 1)',
    'return bit.band({})',
    'return redis.sha1hex()',
  ])('%s', (script) => {
    const { evalScript } = server();
    const reply = evalScript(script);
    expect(isError(reply)).toBe(true);
    expectNoHostText(reply);
  });
});
