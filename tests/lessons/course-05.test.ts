import suite from '../../lessons/05-rate-limiting/checks.ts';
import SOLUTION from '../../lessons/05-rate-limiting/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'rate-limiting';
const check = (start: string) => checkNamed(suite, start);

const SIGNATURE = `import type { Redis } from 'ioredis';
export async function allowRequest(redis: Redis, userId: string, limit: number, windowSeconds: number): Promise<boolean>`;

const wrong = [
  {
    name: 'counts under another key name',
    fails: check('counts in "ratelimit:<userId>"'),
    source: `${SIGNATURE} {
  const key = 'rate:' + userId;
  const count = await redis.incr(key);
  if (count === 1) await redis.expire(key, windowSeconds);
  return count <= limit;
}`,
  },
  {
    name: 'reads the count with GET and writes it back with SET',
    fails: check('10 requests arriving at once'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  const count = Number((await redis.get(key)) ?? 0) + 1;
  await redis.set(key, String(count), 'KEEPTTL');
  if (count === 1) await redis.expire(key, windowSeconds);
  return count <= limit;
}`,
  },
  {
    name: 'sets EXPIRE before INCR, when the key does not exist yet',
    fails: check('counts in "ratelimit:<userId>"'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  const exists = await redis.exists(key);
  if (!exists) await redis.expire(key, windowSeconds);
  return (await redis.incr(key)) <= limit;
}`,
  },
  {
    name: 'sets EXPIRE on every request, pushing the window back',
    fails: check('later requests do not push the end of the window back'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  const count = await redis.incr(key);
  await redis.expire(key, windowSeconds);
  return count <= limit;
}`,
  },
  {
    name: 'never expires the counter',
    fails: check('keeps denying for the rest of the window, then allows again'),
    source: `${SIGNATURE} {
  return (await redis.incr('ratelimit:' + userId)) <= limit;
}`,
  },
  {
    name: 'allows one request too few (count < limit)',
    fails: check('allows the first `limit` requests'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  const count = await redis.incr(key);
  if (count === 1) await redis.expire(key, windowSeconds);
  return count < limit;
}`,
  },
  {
    name: 'shares one counter between all users',
    fails: check('each user has their own window'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  const count = await redis.incr('ratelimit:all');
  if (count === 1) await redis.expire('ratelimit:all', windowSeconds);
  await redis.set(key, String(count), 'EX', windowSeconds, 'NX');
  return count <= limit;
}`,
  },
  {
    name: 'creates the window with SET ... EX but no NX, resetting the count',
    fails: check('allows the first `limit` requests'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  await redis.set(key, '0', 'EX', windowSeconds);
  return (await redis.incr(key)) <= limit;
}`,
  },
  {
    name: 're-sets EXPIRE on every allowed request, which slides the window',
    fails: check('later requests do not push the end of the window back'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  const count = await redis.incr(key);
  if (count <= limit) await redis.expire(key, windowSeconds);
  return count <= limit;
}`,
  },
  {
    name: 'opens a window with GET then SET ... EX, so simultaneous first requests all get in',
    fails: check('the counter always gets its expiry, even when the first requests'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  if ((await redis.get(key)) === null) {
    await redis.set(key, '1', 'EX', windowSeconds);
    return true;
  }
  return (await redis.incr(key)) <= limit;
}`,
  },
  {
    name: 'guards GET then SET with a module-level JavaScript lock, which a second app server does not share',
    fails: check('10 requests arriving at once on two app servers'),
    source: `${SIGNATURE} {
  return locked(async () => {
    const key = 'ratelimit:' + userId;
    const count = Number((await redis.get(key)) ?? 0) + 1;
    await redis.set(key, String(count), 'KEEPTTL');
    if (count === 1) await redis.expire(key, windowSeconds);
    return count <= limit;
  });
}
let queue: Promise<unknown> = Promise.resolve();
function locked<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}`,
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'SET NX EX to open the window, then INCR',
    source: `${SIGNATURE} {
  const key = \`ratelimit:\${userId}\`;
  await redis.set(key, 0, 'EX', windowSeconds, 'NX');
  const count = await redis.incr(key);
  return count <= limit;
}`,
  },
  {
    name: 'INCR and TTL in MULTI, then EXPIRE when TTL says -1',
    source: `${SIGNATURE} {
  const key = \`ratelimit:\${userId}\`;
  const replies = await redis.multi().incr(key).ttl(key).exec();
  const count = Number(replies![0][1]);
  if (replies![1][1] === -1) await redis.expire(key, windowSeconds);
  return count <= limit;
}`,
  },
  {
    name: 'INCR and EXPIRE NX in one MULTI (Redis 7)',
    source: `${SIGNATURE} {
  const key = \`ratelimit:\${userId}\`;
  const replies = await redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec();
  return (replies![0][1] as number) <= limit;
}`,
  },
  {
    name: 'plain JavaScript with .then, INCRBY and PEXPIRE',
    source: `
export function allowRequest(redis, userId, limit, windowSeconds) {
  const key = 'ratelimit:' + userId;
  return redis.incrby(key, 1).then((count) =>
    count === 1 ? redis.pexpire(key, windowSeconds * 1000).then(() => count <= limit) : count <= limit,
  );
}`,
  },
  {
    name: 'one Lua script: INCR, then EXPIRE when the count is 1',
    source: `${SIGNATURE} {
  const script = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n";
  const count = (await redis.eval(script, 1, 'ratelimit:' + userId, windowSeconds)) as number;
  return count <= limit;
}`,
  },
  {
    name: 'a GET that short-circuits once the limit is reached, then INCR',
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId;
  const seen = Number(await redis.get(key));
  if (seen >= limit) return false;
  const count = await redis.incr(key);
  if (count === 1) await redis.expire(key, windowSeconds);
  return count <= limit;
}`,
  },
];

describeVariants('lesson 05-rate-limiting', SLUG, suite, { wrong, correct });
