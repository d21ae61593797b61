/**
 * Redis Functions (FUNCTION LOAD, FCALL, FCALL_RO) on cachelab's own Lua VM, tried as an attacker
 * would: the escapes of issues 12 and 17 from a function library, at load time and at call time,
 * must end in an error with no effect. Each trick has a control showing its vehicle works, so
 * the test can fail. Also: the registry per engine, the log of a function's commands, cmsgpack's
 * caps and ioredis's keyPrefix in the sandbox.
 */
import RedisMock from 'ioredis-mock';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/redis/fidelity/engine.ts';
import type { Arg, Reply, Store } from '../../src/redis/fidelity/types.ts';
import { ReplyError } from '../../src/redis/reply-error.ts';
import { FunctionLibrary } from '../../src/redis/lua/function-library.ts';
import { MAX_LIVE_VMS } from '../../src/redis/fidelity/functions.ts';
import { checks, run as runLearner } from '../runner/harness.ts';

let hosts = 0;

function server() {
  const host = `functions-${++hosts}`;
  const log: string[][] = [];
  const engine = createEngine({
    storeFor: (db) => new RedisMock({ host, db, lazyConnect: true }) as unknown as Store,
    observe: (argv, _reply, origin) => log.push([origin, ...argv.map(String)]),
  });
  const conn = engine.connect();
  const run = (...argv: Arg[]): Reply => engine.execute(conn, argv);
  /** Loads `body` (the code after the shebang) as library `lib`, replacing it. */
  const load = (body: string, name = 'lib') =>
    run('FUNCTION', 'LOAD', 'REPLACE', `#!lua name=${name}\n${body}`);
  return { engine, conn, run, load, log };
}

const text = (reply: Reply): string =>
  reply instanceof ReplyError ? reply.message : JSON.stringify(reply);

/** Nothing of the host in a reply: no paths, no JS source, no stack frames. */
function expectNoHostText(reply: Reply): void {
  expect(text(reply)).not.toMatch(
    /\/work\/|node_modules|\.js:\d|\.ts:\d|\bat \w+ \(|fengari|function \w*\(/,
  );
}

describe('host libraries do not exist for a library, when it loads or when it runs', () => {
  const names = ['os', 'io', 'package', 'debug', 'require', 'dofile', 'loadfile', 'print', 'js'];
  it.each(names)('%s is a nonexistent global at load time', (name) => {
    const { load } = server();
    const reply = load(`local x = ${name}\nredis.register_function('f', function() return 1 end)`);
    expect(text(reply)).toContain(`nonexistent global variable '${name}'`);
    expectNoHostText(reply);
  });

  it.each(names)('%s is a nonexistent global inside FCALL', (name) => {
    const { load, run } = server();
    expect(load(`redis.register_function('f', function() return type(${name}) end)`)).toBe('lib');
    const reply = run('FCALL', 'f', '0');
    expect(text(reply)).toContain(`nonexistent global variable '${name}'`);
    expectNoHostText(reply);
  });

  it('control: a library sees string, cjson, cmsgpack, bit and struct when it runs', () => {
    const { load, run } = server();
    load(
      "redis.register_function('f', function() return {type(string), type(cjson), type(cmsgpack), type(bit), type(struct)} end)",
    );
    expect(run('FCALL', 'f', '0')).toEqual(['table', 'table', 'table', 'table', 'table']);
  });

  it('while loading, only redis.register_function and redis.log exist (as on Redis)', () => {
    const { load } = server();
    expect(text(load('local s = string.rep("x", 3)'))).toContain(
      "nonexistent global variable 'string'",
    );
    expect(text(load("redis.call('set', 'k', 'v')"))).toContain(
      "nonexistent global variable 'call'",
    );
  });

  it('string.dump, bytecode and getmetatable tricks are refused', () => {
    const { load, run } = server();
    load(`redis.register_function('dump', function() return string.dump(function() end) end)
redis.register_function('bytecode', function() return loadstring("\\27Lua") end)
redis.register_function('meta', function() local m = getmetatable("") m.__index = {} return 1 end)
redis.register_function('genv', function() return getmetatable(_G) end)`);
    expect(text(run('FCALL', 'dump', '0'))).toMatch(/attempt to call field 'dump'/);
    expect(run('FCALL', 'bytecode', '0')).toBeNull();
    expect(text(run('FCALL', 'meta', '0'))).toContain('readonly table');
    expect(run('FCALL', 'genv', '0')).toBe(null);
    load(
      "redis.register_function('poison', function() getmetatable('').__index.upper = nil end)\nredis.register_function('use', function() return ('x'):upper() end)",
    );
    expect(text(run('FCALL', 'poison', '0'))).toContain('readonly table');
    expect(run('FCALL', 'use', '0')).toBe('X');
  });

  it('a write to the globals is refused, so one function cannot plant state for another', () => {
    const { load, run } = server();
    load(`redis.register_function('plant', function() string.upper = function() return 'x' end end)
redis.register_function('use', function() return string.upper('a') end)`);
    expect(text(run('FCALL', 'plant', '0'))).toContain('Attempt to modify a readonly table');
    expect(run('FCALL', 'use', '0')).toBe('A');
  });
});

describe('budgets', () => {
  it('an endless loop while loading ends with Redis\'s "FUNCTION LOAD timeout"', () => {
    const { load, run } = server();
    const started = Date.now();
    const reply = load('while true do end');
    expect(text(reply)).toBe('ERR Error registering functions: ERR FUNCTION LOAD timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run('FUNCTION', 'LIST')).toEqual([]);
  });

  it('an endless loop protected by pcall inside FCALL ends with the budget error', () => {
    const { load, run } = server();
    load(
      "redis.register_function('spin', function() while true do pcall(function() while true do end end) end end)\nredis.register_function('ok', function() return 7 end)",
    );
    const reply = run('FCALL', 'spin', '0');
    expect(text(reply)).toMatch(/^ERR cachelab: script exceeded its time budget .* script: spin$/);
    // The stopped VM is rebuilt from the library's code for the next call.
    expect(run('FCALL', 'ok', '0')).toBe(7);
  });

  it('control: a long but finite loop in a function completes', () => {
    const { load, run } = server();
    load(
      "redis.register_function('count', function() local n = 0 for i = 1, 1e5 do n = n + 1 end return n end)",
    );
    expect(run('FCALL', 'count', '0')).toBe(100000);
  });

  it('huge strings and exponential MessagePack work are refused', () => {
    const { load, run } = server();
    load(
      "redis.register_function('big', function() local s = string.rep('x', 2^20) return #string.rep(s, 64) end)\nredis.register_function('pack', function() local t = {} for i = 1, 8 do t[i] = t end return #cmsgpack.pack(t) end)",
    );
    expect(text(run('FCALL', 'big', '0'))).toContain('too large');
    expect(text(run('FCALL', 'pack', '0'))).toContain('MessagePack result too large');
  }, 30_000);

  it('control: the same calls work at a sane size', () => {
    const { load, run } = server();
    load(
      "redis.register_function('big', function() return #string.rep('x', 2^10) end)\nredis.register_function('pack', function() local t = {} for i = 1, 16 do t[i] = string.rep('y', 512) end return #cmsgpack.pack(t) end)",
    );
    expect(run('FCALL', 'big', '0')).toBe(1024);
    expect(run('FCALL', 'pack', '0')).toBe(3 + 16 * 515);
  });

  it('deeply nested MessagePack input is refused with an error, not a crash', () => {
    const { run } = server();
    const reply = run('EVAL', "return cmsgpack.unpack(string.rep('\\145', 5000) .. '\\1')", '0');
    expect(text(reply)).toContain('nested too deeply');
    expect(run('EVAL', "return cmsgpack.unpack(string.rep('\\145', 10) .. '\\1')", '0')).toEqual([
      [[[[[[[[[1]]]]]]]]],
    ]);
  });
});

describe('scripts cannot call scripts', () => {
  it.each([
    ['FCALL', "redis.call('fcall', 'f', 0)"],
    ['FCALL_RO', "redis.call('FCALL_RO', 'f', 0)"],
    ['EVAL', "redis.call('eval', 'return 1', 0)"],
    ['FUNCTION LOAD', "redis.call('function', 'load', 'x')"],
    ['FUNCTION FLUSH', "redis.pcall('function', 'flush')"],
  ])('%s from inside a function is refused', (_name, call) => {
    const { load, run } = server();
    load(`redis.register_function('f', function() return ${call} end)`);
    const reply = run('FCALL', 'f', '0');
    expect(text(reply)).toContain('This Redis command is not allowed from script');
  });

  it('FCALL from an EVAL script is refused', () => {
    const { load, run } = server();
    load("redis.register_function('g', function() return 1 end)");
    expect(text(run('EVAL', "return redis.call('fcall', 'g', 0)", '0'))).toContain(
      'not allowed from script',
    );
    expect(run('FCALL', 'g', '0')).toBe(1);
  });

  it('a library call nested in a running script is refused even if the command table were bypassed', () => {
    const library = FunctionLibrary.load(
      new TextEncoder().encode("\nredis.register_function('f', function() return 1 end)"),
    );
    if (typeof library === 'string') throw new Error(library);
    const inner = library.call('f', [], [], {
      readOnly: false,
      call: () => library.call('f', [], [], { readOnly: false, call: () => null }),
    });
    expect(inner).toBe(1);
    const nested = FunctionLibrary.load(
      new TextEncoder().encode(
        "\nredis.register_function('n', function() return redis.call('ping') end)",
      ),
    );
    if (typeof nested === 'string') throw new Error(nested);
    const reply = nested.call('n', [], [], {
      readOnly: false,
      call: () => library.call('f', [], [], { readOnly: false, call: () => null }),
    });
    expect(text(reply)).toContain('not allowed from script');
    library.close();
    nested.close();
  });
});

describe('what a function does is logged like any command', () => {
  it("reports every redis.call of FCALL as a 'script' command, before the FCALL itself", () => {
    const { load, run, log } = server();
    load(
      "redis.register_function('f', function(keys) redis.call('set', keys[1], 'v') return redis.pcall('keys', '*') end)",
    );
    log.length = 0;
    expect(run('FCALL', 'f', '1', 'k')).toEqual(['k']);
    expect(log).toEqual([
      ['script', 'set', 'k', 'v'],
      ['script', 'keys', '*'],
      ['client', 'FCALL', 'f', '1', 'k'],
    ]);
  });
});

describe('the library registry', () => {
  it('belongs to one engine: another store starts empty and never sees the library or its locals', () => {
    const a = server();
    const b = server();
    a.load("local n = 0\nredis.register_function('bump', function() n = n + 1 return n end)");
    expect(a.run('FCALL', 'bump', '0')).toBe(1);
    expect(a.run('FCALL', 'bump', '0')).toBe(2);
    expect(text(b.run('FCALL', 'bump', '0'))).toBe('ERR Function not found');
    b.load("local n = 0\nredis.register_function('bump', function() n = n + 1 return n end)");
    expect(b.run('FCALL', 'bump', '0')).toBe(1);
  });

  it('survives FLUSHALL and SCRIPT FLUSH, and goes with FUNCTION FLUSH (as Redis 7.0)', () => {
    const { load, run } = server();
    load("redis.register_function('f', function() return 1 end)");
    run('FLUSHALL');
    run('SCRIPT', 'FLUSH');
    expect(run('FCALL', 'f', '0')).toBe(1);
    run('FUNCTION', 'FLUSH');
    expect(text(run('FCALL', 'f', '0'))).toBe('ERR Function not found');
  });

  it(`keeps at most ${MAX_LIVE_VMS} VMs open and rebuilds the others on their next call`, () => {
    const { load, run } = server();
    const count = MAX_LIVE_VMS + 4;
    for (let i = 0; i < count; i++)
      load(
        `local n = ${i}\nredis.register_function('f${i}', function() n = n + 1 return n end)`,
        `l${i}`,
      );
    // The first libraries' VMs were closed: their locals start over, from the same code.
    expect(run('FCALL', 'f0', '0')).toBe(1);
    expect(run('FCALL', 'f0', '0')).toBe(2);
    expect(run('FCALL', `f${count - 1}`, '0')).toBe(count);
    expect((run('FUNCTION', 'STATS') as Reply[])[3]).toEqual([
      'LUA',
      ['libraries_count', count, 'functions_count', count],
    ]);
  });
});

describe("EVAL's Redis 7 shebang", () => {
  it('reads flags=no-writes: EVAL_RO needs it, and it refuses writes under EVAL', () => {
    const { run } = server();
    expect(run('EVAL', "#!lua flags=no-writes\nreturn redis.call('get', 'k')", '0')).toBeNull();
    expect(
      text(run('EVAL', "#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')", '0')),
    ).toMatch(
      /^ERR Write commands are not allowed from read-only scripts\. script: \w+, on @user_script:2\.$/,
    );
    expect(text(run('EVAL_RO', '#!lua\nreturn 1', '0'))).toBe(
      'ERR Can not execute a script with write flag using *_ro command.',
    );
    expect(text(run('EVAL', '#!lua flags=bad\nreturn 1', '0'))).toBe(
      'ERR Unexpected flag in script shebang: bad',
    );
    // Control: without a shebang the same write runs.
    expect(text(run('EVAL', "return redis.call('set', 'k', 'v')", '0'))).toBe('{"text":"OK"}');
  });
});

describe('keyPrefix in the sandbox', () => {
  it("new Redis({ keyPrefix }) prefixes the learner's keys in commands, pipelines, FCALL and duplicate()", async () => {
    const seen: unknown[] = [];
    const report = await runLearner(
      `import Redis from 'ioredis';
       export async function go() {
         const r = new Redis({ keyPrefix: 'app:' });
         await r.set('a', '1');
         await r.pipeline().set('b', '1').exec();
         await r.multi().set('c', '1').exec();
         await r.duplicate().set('d', '1');
         await r.call('SET', 'e', '1');
         await r.function('LOAD', "#!lua name=kp\\nredis.register_function('k', function(keys) return keys[1] end)");
         const key = await r.fcall('k', 1, 'f');
         return [key, (await r.keys('*')).sort(), await new Redis().get('a'), await new Redis().get('app:a')];
       }`,
      checks(async ({ learner, redis }) => {
        seen.push(await learner.go());
        seen.push((await redis.keys('*')).sort());
      }),
    );
    expect(report.checks[0].message).toBeUndefined();
    const keys = ['app:a', 'app:b', 'app:c', 'app:d', 'app:e'];
    expect(seen).toEqual([['app:f', keys, null, '1'], keys]);
  });
});
