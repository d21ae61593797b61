import suite from '../../lessons/11-sliding-window/checks.ts';
import SOLUTION from '../../lessons/11-sliding-window/solution.ts?raw';
import STARTER from '../../lessons/11-sliding-window/starter.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'sliding-window';
const check = (start: string) => checkNamed(suite, start);

const SIGNATURE = `import type { Redis } from 'ioredis';
export async function allowRequest(redis: Redis, userId: string, limit: number, windowMs: number): Promise<boolean>`;

/** The reference algorithm with one step replaced. */
function limiter(parts: {
  key?: string;
  trim?: string;
  member?: string;
  expire?: string;
  deny?: string;
}) {
  const key = parts.key ?? `'ratelog:' + userId`;
  const trim = parts.trim ?? `.zremrangebyscore(key, '-inf', now - windowMs)`;
  const member = parts.member ?? `now + ':' + Math.random()`;
  const expire = parts.expire ?? `.pexpire(key, windowMs)`;
  const deny = parts.deny ?? `await redis.zrem(key, member);`;
  return `${SIGNATURE} {
  const key = ${key};
  const now = Date.now();
  const member = ${member};
  const replies = await redis.multi()${trim}.zadd(key, now, member).zcard(key)${expire}.exec();
  if (Number(replies![${parts.trim === '' ? 1 : 2}][1]) <= limit) return true;
  ${deny}
  return false;
}`;
}

const wrong = [
  {
    name: "keeps lesson 5's fixed window",
    fails: check('the window slides'),
    source: STARTER,
  },
  {
    name: 'uses a fixed window keyed by the minute, which allows a burst at the boundary',
    fails: check('no burst at a window boundary'),
    source: `${SIGNATURE} {
  const key = 'ratelimit:' + userId + ':' + Math.floor(Date.now() / windowMs);
  const count = await redis.incr(key);
  if (count === 1) await redis.pexpire(key, windowMs);
  return count <= limit;
}`,
  },
  {
    name: 'records denied requests too, so retries keep the user locked out',
    fails: check('denied requests do not count'),
    source: limiter({ deny: '' }),
  },
  {
    name: 'trims and counts, then adds, as separate commands',
    fails: check('10 requests at once on two app servers'),
    source: `${SIGNATURE} {
  const key = 'ratelog:' + userId;
  const now = Date.now();
  await redis.zremrangebyscore(key, '-inf', now - windowMs);
  if ((await redis.zcard(key)) >= limit) return false;
  await redis.zadd(key, now, now + ':' + Math.random());
  await redis.pexpire(key, windowMs);
  return true;
}`,
  },
  {
    name: 'expires the log with EXPIRE, so windowMs is taken as seconds',
    fails: check('keeps the log in the sorted set'),
    source: limiter({ expire: '.expire(key, windowMs)' }),
  },
  {
    name: 'treats windowMs as seconds when trimming',
    fails: check('the window slides'),
    source: limiter({ trim: `.zremrangebyscore(key, '-inf', now - windowMs / 1000)` }),
  },
  {
    name: 'never expires the log',
    fails: check('keeps the log in the sorted set'),
    source: limiter({ expire: '' }),
  },
  {
    name: 'never trims the log and counts the window with ZCOUNT',
    fails: check('keeps the log in the sorted set'),
    source: `${SIGNATURE} {
  const key = 'ratelog:' + userId;
  const now = Date.now();
  const member = now + ':' + Math.random();
  const replies = await redis.multi().zadd(key, now, member).zcount(key, '(' + (now - windowMs), '+inf').pexpire(key, windowMs).exec();
  if (Number(replies![1][1]) <= limit) return true;
  await redis.zrem(key, member);
  return false;
}`,
  },
  {
    name: 'keeps one log for every user',
    fails: check('each user has their own log'),
    source: limiter({ key: `'ratelog:all'` }),
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'a Lua script that trims, counts and adds only when there is room',
    source: `${SIGNATURE} {
  const script = "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2]) " +
    "if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end " +
    "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4]) redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1";
  const now = Date.now();
  return (await redis.eval(script, 1, 'ratelog:' + userId, now, windowMs, limit, now + '-' + Math.random())) === 1;
}`,
  },
  {
    name: 'ZCOUNT with an exclusive bound inside MULTI, plus a trim',
    source: `${SIGNATURE} {
  const key = \`ratelog:\${userId}\`;
  const now = Date.now();
  const id = \`\${now}.\${Math.random().toString(16).slice(2)}\`;
  const replies = await redis
    .multi()
    .zadd(key, now, id)
    .zremrangebyscore(key, 0, now - windowMs)
    .zcount(key, \`(\${now - windowMs}\`, '+inf')
    .pexpire(key, windowMs)
    .exec();
  const count = replies![2][1] as number;
  if (count > limit) {
    await redis.zrem(key, id);
    return false;
  }
  return true;
}`,
  },
  {
    name: 'plain JavaScript: redis.multi with an array of commands and a .then chain',
    source: `
export function allowRequest(redis, userId, limit, windowMs) {
  const key = 'ratelog:' + userId;
  const now = Date.now();
  const member = now + '/' + Math.random();
  return redis
    .multi([
      ['zremrangebyscore', key, '-inf', String(now - windowMs)],
      ['zadd', key, String(now), member],
      ['zcard', key],
      ['pexpire', key, String(windowMs)],
    ])
    .exec()
    .then((replies) => (replies[2][1] <= limit ? true : redis.zrem(key, member).then(() => false)));
}`,
  },
];

describeVariants('lesson 11-sliding-window', SLUG, suite, { wrong, correct });
