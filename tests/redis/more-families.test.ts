/**
 * The families added in issue 13, answered as redis-server 7.0.15 answered the same lines through
 * `redis-cli --no-raw` (recorded from a real server; tests/redis-server/corpus-*.redis check the
 * same families against a live one). These run in the plain unit suite, without a server.
 */
import { describe, expect, test } from 'vitest';
import RedisMock from 'ioredis-mock';
import { withFidelity } from '../../src/redis/faithful-client.ts';
import { parseCliLine } from '../../src/redis/cli-parse.ts';
import { formatReply } from '../../src/redis/cli-format.ts';
import { fromBytes } from '../../src/redis/bytes.ts';

let store = 0;

/** Runs redis-cli lines on a fresh sandbox store; returns each reply as redis-cli prints it. */
function session(lines: string[]): string[] {
  const client = withFidelity(new RedisMock({ host: `more-families-${++store}` }));
  return lines.map((line) => formatReply(client.executeRaw(parseCliLine(line)!.map(fromBytes))));
}

describe('issue 13 families, as recorded from redis-server 7.0.15', () => {
  test('bitmaps: SETBIT, BITCOUNT ranges, BITPOS and BITFIELD overflow', () => {
    expect(
      session([
        'SETBIT b 7 1',
        'SETBIT b 3 2',
        'SET s foobar',
        'BITCOUNT s 1 1',
        'BITCOUNT s 5 30 BIT',
        'BITPOS s 1 2',
        'BITPOS s 0 0 -1 BIT',
        'BITFIELD bf SET u8 0 255 OVERFLOW SAT INCRBY u8 0 10 OVERFLOW FAIL INCRBY u8 0 1 GET i8 0',
        'BITFIELD bf GET u64 0',
        'BITFIELD_RO bf SET u8 0 1',
        'BITOP NOT dst s b',
      ]).join('\n'),
    ).toBe(
      '(integer) 0\n(error) ERR bit is not an integer or out of range\nOK\n(integer) 6\n(integer) 17\n(integer) 17\n(integer) 0\n1) (integer) 0\n2) (integer) 255\n3) (nil)\n4) (integer) -1\n(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\n(error) ERR BITFIELD_RO only supports the GET subcommand\n(error) ERR BITOP NOT must be called with a single source key.',
    );
  });

  test('HyperLogLog: counts and the header Redis caches them in', () => {
    expect(
      session([
        'PFADD h a b c d e f g',
        'PFCOUNT h',
        'PFADD h a',
        'PFADD h2 x y',
        'PFCOUNT h h2',
        'PFMERGE m h h2',
        'PFCOUNT m',
        'STRLEN m',
        'PFDEBUG ENCODING m',
        'SET s v',
        'PFADD s a',
      ]).join('\n'),
    ).toBe(
      '(integer) 1\n(integer) 7\n(integer) 0\n(integer) 1\n(integer) 9\nOK\n(integer) 9\n(integer) 43\nsparse\nOK\n(error) WRONGTYPE Key is not a valid HyperLogLog string value.',
    );
  });

  test('geo: positions, distances, hashes and searches', () => {
    expect(
      session([
        'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania',
        'GEOPOS Sicily Palermo',
        'GEODIST Sicily Palermo Catania km',
        'GEOHASH Sicily Palermo Catania',
        'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHDIST',
        'GEORADIUS Sicily 15 37 200 km STORE x WITHDIST',
        'GEOADD Sicily 181 0 bad',
        'GEOSEARCH Sicily BYRADIUS 1 km',
      ]).join('\n'),
    ).toBe(
      '(integer) 2\n1) 1) "13.36138933897018433"\n   2) "38.11555639549629859"\n"166.2742"\n1) "sqc8b49rny0"\n2) "sqdtr74hyu0"\n1) 1) "Catania"\n   2) "56.4413"\n2) 1) "Palermo"\n   2) "190.4424"\n(error) ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\n(error) ERR invalid longitude,latitude pair 181.000000,0.000000\n(error) ERR wrong number of arguments for \'geosearch\' command',
    );
  });

  test('sorted-set algebra, ZMPOP and LMPOP', () => {
    expect(
      session([
        'ZADD z1 1 a 2 b 3 c',
        'ZADD z2 10 b 20 c 30 d',
        'SADD s1 a d',
        'ZUNION 3 z1 z2 s1 WEIGHTS 1 2 3 WITHSCORES',
        'ZINTER 2 z1 z2 AGGREGATE MIN WITHSCORES',
        'ZDIFFSTORE out 2 z1 z2',
        'ZRANGE out 0 -1 WITHSCORES',
        'ZINTERCARD 0 z1',
        'ZRANGESTORE dst z2 (10 +inf BYSCORE LIMIT 0 1',
        'ZMPOP 1 z1 MAX COUNT 2',
        'RPUSH l a b c',
        'LMPOP 2 nol l RIGHT COUNT 2',
        'ZRANDMEMBER z2 5 WITHSCORES',
      ]).join('\n'),
    ).toBe(
      '(integer) 3\n(integer) 3\n(integer) 2\n1) "a"\n2) "4"\n3) "b"\n4) "22"\n5) "c"\n6) "43"\n7) "d"\n8) "63"\n1) "b"\n2) "2"\n3) "c"\n4) "3"\n(integer) 1\n1) "a"\n2) "1"\n(error) ERR at least 1 input key is needed for \'zintercard\' command\n(integer) 1\n1) "z1"\n2) 1) 1) "c"\n      2) "3"\n   2) 1) "b"\n      2) "2"\n(integer) 3\n1) "l"\n2) 1) "c"\n   2) "b"\n1) "d"\n2) "30"\n3) "c"\n4) "20"\n5) "b"\n6) "10"',
    );
  });

  test('SORT, SORT_RO and LCS', () => {
    expect(
      session([
        'RPUSH words banana apple cherry',
        'MSET w_banana 3 w_apple 1 w_cherry 2',
        'SORT words BY w_* GET # GET w_*',
        'SORT words ALPHA DESC LIMIT 0 2',
        'SORT words',
        'SORT_RO words STORE x',
        'MSET k1 ohmytext k2 mynewtext',
        'LCS k1 k2',
        'LCS k1 k2 IDX MINMATCHLEN 4 WITHMATCHLEN',
        'LCS k1 k2 LEN IDX',
      ]).join('\n'),
    ).toBe(
      '(integer) 3\nOK\n1) "apple"\n2) "1"\n3) "cherry"\n4) "2"\n5) "banana"\n6) "3"\n1) "cherry"\n2) "banana"\n(error) ERR One or more scores can\'t be converted into double\n(error) ERR syntax error\nOK\n"mytext"\n1) "matches"\n2) 1) 1) 1) (integer) 4\n         2) (integer) 7\n      2) 1) (integer) 5\n         2) (integer) 8\n      3) (integer) 4\n3) "len"\n4) (integer) 6\n(error) ERR If you want both the length and indexes, please just use IDX.',
    );
  });

  test('OBJECT ENCODING thresholds, one-way conversions, REFCOUNT and MOVE', () => {
    expect(
      session([
        'SET n 123',
        'OBJECT ENCODING n',
        'OBJECT REFCOUNT n',
        'APPEND n 4',
        'OBJECT ENCODING n',
        'SADD s 1 2 3',
        'OBJECT ENCODING s',
        'SADD s x',
        'SREM s x',
        'OBJECT ENCODING s',
        'HSET h f v',
        'OBJECT ENCODING h',
        'RPUSH l a',
        'OBJECT ENCODING l',
        'OBJECT FREQ n',
        'MOVE n 1',
        'MOVE n 99999999999',
      ]).join('\n'),
    ).toBe(
      'OK\n"int"\n(integer) 2147483647\n(integer) 4\n"raw"\n(integer) 3\n"intset"\n(integer) 1\n(integer) 1\n"hashtable"\n(integer) 1\n"listpack"\n(integer) 1\n"quicklist"\n(error) ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\n(integer) 1\n(error) ERR value is out of range, value must between -2147483648 and 2147483647',
    );
  });
});
