/**
 * Scripting answers like redis-server 7.0.15: every expected text below was measured on the real
 * server (tests/redis-server/corpus-scripting.redis replays many of them there).
 */
import RedisMock from 'ioredis-mock';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/redis/fidelity/engine.ts';
import { Status, type Arg, type Reply, type Store } from '../../src/redis/fidelity/types.ts';
import { ReplyError } from '../../src/redis/reply-error.ts';
import { MAX_REPLY_DEPTH } from '../../src/redis/lua/conversions.ts';
import { formatG } from '../../src/redis/lua/number-format.ts';
import { sha1Hex } from '../../src/redis/lua/sha1.ts';

let hosts = 0;

function server(now: () => number = () => Date.now()) {
  const host = `lua-fidelity-${++hosts}`;
  const log: { argv: string[]; origin: string; reply: Reply }[] = [];
  const engine = createEngine({
    now,
    storeFor: (db) => new RedisMock({ host, db, lazyConnect: true }) as unknown as Store,
    observe: (argv, reply, origin) => log.push({ argv: argv.map(String), origin, reply }),
  });
  const conn = engine.connect();
  const run = (...argv: Arg[]): Reply => engine.execute(conn, argv);
  const evalScript = (script: string, ...rest: Arg[]) => run('EVAL', script, ...rest);
  return { engine, conn, run, evalScript, log };
}

const sha = (script: string) => sha1Hex(new TextEncoder().encode(script));
const message = (reply: Reply) => (reply instanceof ReplyError ? reply.message : reply);

describe('Lua → reply conversions', () => {
  it('truncates numbers, turns false into nil and true into 1, and stops arrays at the first nil', () => {
    const { evalScript } = server();
    expect(evalScript('return 3.99', '0')).toBe(3);
    expect(evalScript('return -3.99', '0')).toBe(-3);
    expect(evalScript('return false', '0')).toBe(null);
    expect(evalScript('return true', '0')).toBe(1);
    expect(evalScript('return {1,2,nil,4}', '0')).toEqual([1, 2]);
    expect(evalScript('return {1, "a", {2, 3}, 2.5}', '0')).toEqual([1, 'a', [2, 3], 2]);
    expect(evalScript('return 2^63', '0')).toBe(-(2n ** 63n));
    expect(evalScript('return {ok=1}', '0')).toEqual([]);
    expect(evalScript('return {err=1}', '0')).toEqual([]);
  });

  it('turns {ok=…} into a status and {err=…} into an error without the script suffix', () => {
    const { evalScript } = server();
    expect(evalScript('return {ok="fine"}', '0')).toEqual(new Status('fine'));
    expect(message(evalScript('return {err="MYERR custom"}', '0'))).toBe('MYERR custom');
    expect(message(evalScript('return redis.error_reply("nope")', '0'))).toBe('ERR nope');
    expect(message(evalScript('return redis.error_reply("MYERR x")', '0'))).toBe('MYERR x');
    expect(message(evalScript('return redis.error_reply("-MYERR x")', '0'))).toBe('MYERR x');
    expect(message(evalScript('return redis.error_reply("")', '0'))).toBe('ERR ');
    expect(message(evalScript('return redis.error_reply(5)', '0'))).toBe(
      'ERR wrong number or type of arguments',
    );
    expect(evalScript('return redis.status_reply("yo")', '0')).toEqual(new Status('yo'));
  });

  it('answers "reached lua stack limit" for a table that contains itself (at depth 1000, Redis: 7995)', () => {
    const { evalScript } = server();
    let reply = evalScript('local t={} t[1]=t return t', '0');
    let depth = 0;
    while (Array.isArray(reply)) {
      reply = reply[0];
      depth++;
    }
    expect(depth).toBe(MAX_REPLY_DEPTH);
    expect(message(reply)).toBe('ERR reached lua stack limit');
  });
});

describe('reply → Lua conversions and redis.call arguments', () => {
  it('formats numbers as Redis does (%.17g) and hands replies back as Lua values', () => {
    const { evalScript, run } = server();
    evalScript(
      'redis.call("set", "a", 3.7) redis.call("set", "b", 1e20) redis.call("set", "c", 0.1) redis.call("set", "d", -0.0) redis.call("set", "e", 1/0) redis.call("set", "f", 42)',
      '0',
    );
    expect(run('MGET', 'a', 'b', 'c', 'd', 'e', 'f')).toEqual([
      '3.7000000000000002',
      '1e+20',
      '0.10000000000000001',
      '-0',
      'inf',
      '42',
    ]);
    expect(evalScript('return type(redis.call("get", "nokey"))', '0')).toBe('boolean');
    expect(evalScript('return redis.call("ping").ok', '0')).toBe('PONG');
    expect(evalScript('local t = redis.pcall("incr", "a"); return t.err', '0')).toBe(
      'ERR value is not an integer or out of range',
    );
  });

  it('keeps numbers as doubles, as Lua 5.1 does: TIME arithmetic does not wrap at 32 bits', () => {
    const { evalScript } = server(() => 1_796_018_475_967);
    expect(
      evalScript('local t = redis.call("TIME") return tostring(tonumber(t[1]) * 1000)', '0'),
    ).toBe('1796018475000');
    expect(evalScript('return tostring(10/2) .. " " .. 10/4', '0')).toBe('5 2.5');
    expect(evalScript('return tostring(2^63)', '0')).toBe('9.2233720368548e+18');
    expect(evalScript('return math.floor(2^31 + 0.5)', '0')).toBe(2147483648);
    expect(evalScript('return select("#", unpack({1,2,3}))', '0')).toBe(3);
    expect(evalScript('return _VERSION', '0')).toBe('Lua 5.1');
  });

  it('rejects arguments that are not strings or numbers, with Redis texts', () => {
    const { evalScript } = server();
    const suffix = (s: string) => ` script: ${sha(s)}, on @user_script:1.`;
    for (const script of [
      'return redis.call({})',
      'return redis.call("get", {})',
      'return redis.call("get", nil)',
      'return redis.call("set", "k", true)',
    ])
      expect(message(evalScript(script, '0'))).toBe(
        `ERR Lua redis lib command arguments must be strings or integers${suffix(script)}`,
      );
    const none = 'return redis.call()';
    expect(message(evalScript(none, '0'))).toBe(
      `ERR Please specify at least one argument for this redis lib call${suffix(none)}`,
    );
    expect(message(evalScript('return redis.pcall("get", {})', '0'))).toBe(
      'ERR Lua redis lib command arguments must be strings or integers',
    );
  });

  it('checks the command table: unknown, arity, noscript, then EVAL_RO writes', () => {
    const { evalScript, run } = server();
    const text = (s: string) => String(message(evalScript(s, '0'))).split(' script: ')[0];
    expect(text('return redis.call("nosuch")')).toBe(
      'ERR Unknown Redis command called from script',
    );
    expect(text('return redis.call(" get", "a")')).toBe(
      'ERR Unknown Redis command called from script',
    );
    expect(text('return redis.call("get")')).toBe(
      'ERR Wrong number of args calling Redis command from script',
    );
    expect(text('return redis.call("eval")')).toBe(
      'ERR Wrong number of args calling Redis command from script',
    );
    expect(text('return redis.call("multi")')).toBe(
      'ERR This Redis command is not allowed from script',
    );
    expect(text('return redis.call("blpop", "a", 0)')).toBe(
      'ERR This Redis command is not allowed from script',
    );
    expect(message(run('EVAL_RO', 'return redis.call("set","a","b")', '0'))).toBe(
      `ERR Write commands are not allowed from read-only scripts. script: ${sha('return redis.call("set","a","b")')}, on @user_script:1.`,
    );
    expect(run('EVAL_RO', 'return redis.call("get","a")', '0')).toBe(null);
  });
});

describe('errors', () => {
  it('adds "script: <sha>, on @user_script:N." to runtime errors, with Lua positions', () => {
    const { evalScript } = server();
    const expectations: [string, string][] = [
      ['error("boom")', 'ERR user_script:1: boom'],
      ['error("boom", 0)', 'ERR boom'],
      ['error(42)', 'ERR user_script:1: 42'],
      ['error()', 'ERR nil'],
      ['error({err="MYERR custom"})', 'MYERR custom'],
      ['local x = nil; return x.y', "ERR user_script:1: attempt to index local 'x' (a nil value)"],
      ['return 1 + {}', 'ERR user_script:1: attempt to perform arithmetic on a table value'],
      [
        'redis.call("set","s","a"); return redis.call("incr","s")',
        'ERR value is not an integer or out of range',
      ],
    ];
    for (const [script, text] of expectations)
      expect(message(evalScript(script, '0'))).toBe(
        `${text} script: ${sha(script)}, on @user_script:1.`,
      );
    const multiline = 'local a = 1\nlocal b = 2\nerror("third")';
    expect(message(evalScript(multiline, '0'))).toBe(
      `ERR user_script:3: third script: ${sha(multiline)}, on @user_script:3.`,
    );
  });

  it('reports compile errors with Redis text and does not cache the script', () => {
    const { evalScript, run } = server();
    expect(message(evalScript('return "x" .. ', '0'))).toBe(
      "ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'",
    );
    expect(message(run('SCRIPT', 'LOAD', 'return +'))).toBe(
      "ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'",
    );
    expect(run('SCRIPT', 'EXISTS', sha('return "x" .. '))).toEqual([0]);
  });

  it('protects globals as Redis 7 does', () => {
    const { evalScript } = server();
    const cases: [string, string][] = [
      ['return x', "ERR user_script:1: Script attempted to access nonexistent global variable 'x'"],
      ['x = 1', 'ERR user_script:1: Attempt to modify a readonly table'],
      ['_G.x = 1', 'ERR user_script:1: Attempt to modify a readonly table'],
      ['rawset(_G, "x", 1)', 'ERR Attempt to modify a readonly table'],
      ['setmetatable(_G, nil)', 'ERR Attempt to modify a readonly table'],
      ['string.len = nil', 'ERR user_script:1: Attempt to modify a readonly table'],
      ['redis.call = nil', 'ERR user_script:1: Attempt to modify a readonly table'],
      ['local t = redis; t.x = 1', 'ERR user_script:1: Attempt to modify a readonly table'],
      [
        'return type(print)',
        "ERR user_script:1: Script attempted to access nonexistent global variable 'print'",
      ],
      [
        'return type(os)',
        "ERR user_script:1: Script attempted to access nonexistent global variable 'os'",
      ],
    ];
    for (const [script, text] of cases)
      expect(message(evalScript(script, '0'))).toBe(
        `${text} script: ${sha(script)}, on @user_script:1.`,
      );
    // Locals and the script's own functions are untouched by the protection.
    expect(evalScript('local x = 1; local function f() return x + 1 end return f()', '0')).toBe(2);
  });

  it('runs loadstring chunks in the script environment and names them by their text', () => {
    const { evalScript } = server();
    expect(evalScript('return loadstring("return 1+1")()', '0')).toBe(2);
    const script = 'local f = loadstring("return y"); return f()';
    expect(message(evalScript(script, '0'))).toBe(
      `ERR [string "return y"]:1: Script attempted to access nonexistent global variable 'y' script: ${sha(script)}, on return y:1.`,
    );
  });
});

describe('EVAL, EVALSHA and SCRIPT', () => {
  it('caches scripts per engine, shared by connections, until SCRIPT FLUSH', () => {
    const { engine, run, evalScript } = server();
    const other = engine.connect();
    expect(run('SCRIPT', 'LOAD', 'return 1')).toBe('e0e1f9fabfc9d4800c877a703b823ac0578ff8db');
    expect(
      engine.execute(other, ['EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0']),
    ).toBe(1);
    evalScript('return 2', '0');
    expect(run('SCRIPT', 'EXISTS', sha('return 2'), 'nope')).toEqual([1, 0]);
    expect(run('SCRIPT', 'FLUSH')).toEqual(new Status('OK'));
    expect(message(run('EVALSHA', sha('return 2'), '0'))).toBe(
      'NOSCRIPT No matching script. Please use EVAL.',
    );
    expect(message(run('EVALSHA_RO', 'abc', '0'))).toBe(
      'NOSCRIPT No matching script. Please use EVAL.',
    );
    expect(message(run('SCRIPT', 'FLUSH', 'BAD'))).toBe(
      'ERR SCRIPT FLUSH only support SYNC|ASYNC option',
    );
    expect(message(run('SCRIPT', 'KILL'))).toBe('NOTBUSY No scripts in execution right now.');
  });

  it('validates numkeys like Redis and splits KEYS from ARGV', () => {
    const { evalScript } = server();
    expect(message(evalScript('return 1', '-1'))).toBe("ERR Number of keys can't be negative");
    expect(message(evalScript('return 1', '2', 'a'))).toBe(
      "ERR Number of keys can't be greater than number of args",
    );
    expect(message(evalScript('return 1', 'abc'))).toBe(
      'ERR value is not an integer or out of range',
    );
    expect(evalScript('return {KEYS[1], KEYS[2], ARGV[1]}', '2', 'a', 'b', 'c')).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('queues EVAL inside MULTI and runs it at EXEC', () => {
    const { run } = server();
    run('MULTI');
    expect(run('EVAL', 'return redis.call("incr", KEYS[1])', '1', 'n')).toEqual(
      new Status('QUEUED'),
    );
    expect(run('EXEC')).toEqual([1]);
  });

  it('keeps a SELECT inside a script to the script (Redis 7)', () => {
    const { run, conn } = server();
    expect(
      run('EVAL', 'redis.call("select", 2) return redis.call("set", "x", "in2")', '0'),
    ).toEqual(new Status('OK'));
    expect(conn.db).toBe(0);
    expect(run('GET', 'x')).toBe(null);
    run('SELECT', '2');
    expect(run('GET', 'x')).toBe('in2');
  });

  it('reports every command a script runs to observe, before the EVAL itself', () => {
    const { evalScript, log } = server();
    evalScript('redis.call("set", KEYS[1], "v") return redis.pcall("keys", "*")', '1', 'k');
    expect(log.map(({ argv, origin }) => [origin, ...argv])).toEqual([
      ['script', 'set', 'k', 'v'],
      ['script', 'keys', '*'],
      [
        'client',
        'EVAL',
        'redis.call("set", KEYS[1], "v") return redis.pcall("keys", "*")',
        '1',
        'k',
      ],
    ]);
    expect(log[1].reply).toEqual(['k']);
  });
});

describe('the engine clock', () => {
  it('TIME and scripts read the engine clock, not the host clock', () => {
    let now = 1_000_000_123_456;
    const { run, evalScript } = server(() => now);
    expect(run('TIME')).toEqual(['1000000123', '456000']);
    now += 60_000;
    expect(evalScript('return redis.call("TIME")', '0')).toEqual(['1000000183', '456000']);
  });
});

describe('libraries', () => {
  it('cjson encodes and decodes as lua-cjson does', () => {
    const { evalScript } = server();
    expect(evalScript('return cjson.encode({1,2,{a=1}})', '0')).toBe('[1,2,{"a":1}]');
    expect(evalScript('return cjson.encode({a="x\\"/"})', '0')).toBe('{"a":"x\\"\\/"}');
    expect(evalScript('return cjson.decode("[1,2.5,\\"a\\",null,true]")', '0')).toEqual([
      1,
      2,
      'a',
      null,
      1,
    ]);
    expect(evalScript('return cjson.encode(cjson.decode("{\\"a\\":[1,2,{}]}"))', '0')).toBe(
      '{"a":[1,2,{}]}',
    );
    expect(evalScript('return cjson.encode({[1]=1,[3]=3})', '0')).toBe('[1,null,3]');
    expect(evalScript('return cjson.encode(0.1)', '0')).toBe('0.1');
    expect(evalScript('return cjson.encode(1e100)', '0')).toBe('1e+100');
    expect(evalScript('return cjson.encode({})', '0')).toBe('{}');
    const sparse = 'return cjson.encode({[1]=1,[20]=3})';
    expect(message(evalScript(sparse, '0'))).toBe(
      `ERR user_script:1: Cannot serialise table: excessively sparse array script: ${sha(sparse)}, on @user_script:1.`,
    );
    const bad = 'return cjson.decode("{bad")';
    expect(message(evalScript(bad, '0'))).toBe(
      `ERR user_script:1: Expected object key string but found invalid token at character 2 script: ${sha(bad)}, on @user_script:1.`,
    );
  });

  it('bit and struct follow LuaBitOp and struct.c', () => {
    const { evalScript } = server();
    expect(evalScript('return bit.band(0xff, 0x0f)', '0')).toBe(15);
    expect(evalScript('return bit.tohex(255)', '0')).toBe('000000ff');
    expect(evalScript('return bit.lshift(1, 31)', '0')).toBe(-2147483648);
    expect(evalScript('return bit.bnot(0)', '0')).toBe(-1);
    expect(evalScript('return bit.bor(2^32+1, 0)', '0')).toBe(1);
    expect(evalScript('return struct.pack(">I2", 258)', '0')).toBe('\x01\x02');
    expect(evalScript('return {struct.unpack("<i4", "\\1\\0\\0\\0")}', '0')).toEqual([1, 5]);
    expect(evalScript('return redis.sha1hex("")', '0')).toBe(
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    );
    expect(evalScript('return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}', '0')).toEqual([
      '7.0.15',
      458767,
    ]);
  });

  it('formats numbers as C printf %g does', () => {
    expect(formatG(3.7, 17)).toBe('3.7000000000000002');
    expect(formatG(1e-5, 17)).toBe('1.0000000000000001e-05');
    expect(formatG(123456789012345680000, 14)).toBe('1.2345678901235e+20');
    expect(formatG(100, 14)).toBe('100');
  });
});

describe('cost', () => {
  it('a fresh VM per EVAL stays cheap', () => {
    const { evalScript } = server();
    evalScript('return 1', '0');
    const start = performance.now();
    for (let i = 0; i < 100; i++) evalScript(`return ${i}`, '0');
    const perEval = (performance.now() - start) / 100;
    // Measured 5 ms (quiet) to 25 ms (8 suites sharing 2 cores) per EVAL; the bound catches a
    // regression by an order of magnitude, not noise.
    expect(perEval).toBeLessThan(150);
  });
});
