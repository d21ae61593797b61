import type { HLJSApi, Language } from 'highlight.js';

// The commands lessons use, plus their common neighbours. Unknown commands still read fine as plain text.
const COMMANDS = [
  'append decr decrby del echo exists expire expireat get getdel getex getrange getset incr incrby',
  'incrbyfloat keys mget mset msetnx persist pexpire pexpireat psetex pttl rename renamenx scan set',
  'setex setnx setrange strlen ttl type unlink hdel hexists hget hgetall hincrby hkeys hlen hmget',
  'hmset hset hsetnx hvals lindex llen lpop lpush lrange lrem lset ltrim rpop rpush sadd scard',
  'sismember smembers srem zadd zcard zincrby zrange zrank zrem zscore multi exec discard watch',
  'unwatch ping flushdb flushall dbsize select help',
].join(' ');

// Options that follow a command, e.g. SET k v EX 60 NX.
const OPTIONS = 'ex px exat pxat nx xx gt lt keepttl match count withscores';

/** highlight.js grammar for redis-cli style command blocks (```redis). */
export function redisLanguage(hljs: HLJSApi): Language {
  return {
    name: 'Redis',
    aliases: ['redis-cli'],
    case_insensitive: true,
    keywords: { keyword: COMMANDS, built_in: OPTIONS },
    contains: [
      hljs.HASH_COMMENT_MODE,
      // A prompt such as "127.0.0.1:6379>" or "redis>".
      { scope: 'meta', begin: /^[\w.-]*(?::\d+)?>/, relevance: 0 },
      // Reply markers from redis-cli, e.g. "(integer) 1" or "(nil)".
      { scope: 'literal', begin: /\((?:nil|integer|error|empty array)\)/ },
      { scope: 'string', begin: '"', end: '"', contains: [hljs.BACKSLASH_ESCAPE] },
      { scope: 'string', begin: "'", end: "'" },
      { scope: 'number', begin: /(?<![\w:])-?\d+(?:\.\d+)?(?![\w:])/, relevance: 0 },
    ],
  };
}
