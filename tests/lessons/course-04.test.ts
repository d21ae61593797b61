import suite from '../../lessons/04-expiry/checks.ts';
import SOLUTION from '../../lessons/04-expiry/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'expiry';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';`;
const GOOD_ISSUE = `
export async function issueCode(redis: Redis, userId: string, code: string, ttlSeconds: number) {
  await redis.set('otp:' + userId, code, 'EX', ttlSeconds);
}`;
const GOOD_TTL = `
export async function codeTtl(redis: Redis, userId: string) {
  const ttl = await redis.ttl('otp:' + userId);
  return ttl < 0 ? null : ttl;
}`;
const GOOD_REDEEM = `
export async function redeemCode(redis: Redis, userId: string, code: string) {
  return (await redis.getdel('otp:' + userId)) === code;
}`;

const wrong = [
  {
    name: 'stores the code without an expiry',
    fails: check('a code works until its TTL runs out'),
    source: `${HEADER}
export async function issueCode(redis: Redis, userId: string, code: string, ttlSeconds: number) {
  await redis.set('otp:' + userId, code);
}${GOOD_TTL}${GOOD_REDEEM}`,
  },
  {
    name: 'passes seconds to PX, which counts milliseconds',
    fails: check('issueCode stores the code under'),
    source: `${HEADER}
export async function issueCode(redis: Redis, userId: string, code: string, ttlSeconds: number) {
  await redis.set('otp:' + userId, code, 'PX', ttlSeconds);
}${GOOD_TTL}${GOOD_REDEEM}`,
  },
  {
    name: 'keeps the old code when a new one is issued (SET NX)',
    fails: check('issuing a new code replaces the old one'),
    source: `${HEADER}
export async function issueCode(redis: Redis, userId: string, code: string, ttlSeconds: number) {
  await redis.set('otp:' + userId, code, 'EX', ttlSeconds, 'NX');
}${GOOD_TTL}${GOOD_REDEEM}`,
  },
  {
    name: "returns TTL's -2 instead of null",
    fails: check('codeTtl returns null when the user has no code'),
    source: `${HEADER}${GOOD_ISSUE}
export async function codeTtl(redis: Redis, userId: string) {
  return redis.ttl('otp:' + userId);
}${GOOD_REDEEM}`,
  },
  {
    name: 'reports milliseconds from PTTL',
    fails: check('codeTtl reports the seconds left'),
    source: `${HEADER}${GOOD_ISSUE}
export async function codeTtl(redis: Redis, userId: string) {
  const ms = await redis.pttl('otp:' + userId);
  return ms < 0 ? null : ms;
}${GOOD_REDEEM}`,
  },
  {
    name: 'reads the code with GET and never deletes it',
    fails: check('the right code works exactly once'),
    source: `${HEADER}${GOOD_ISSUE}${GOOD_TTL}
export async function redeemCode(redis: Redis, userId: string, code: string) {
  return (await redis.get('otp:' + userId)) === code;
}`,
  },
  {
    name: 'deletes the code only when the guess is right',
    fails: check('a wrong guess returns false and uses the code up'),
    source: `${HEADER}${GOOD_ISSUE}${GOOD_TTL}
export async function redeemCode(redis: Redis, userId: string, code: string) {
  if ((await redis.get('otp:' + userId)) !== code) return false;
  await redis.del('otp:' + userId);
  return true;
}`,
  },
  {
    name: 'uses GET and then DEL, so two racing attempts both win',
    fails: check('two attempts racing with the right code'),
    source: `${HEADER}${GOOD_ISSUE}${GOOD_TTL}
export async function redeemCode(redis: Redis, userId: string, code: string) {
  const stored = await redis.get('otp:' + userId);
  await redis.del('otp:' + userId);
  return stored === code;
}`,
  },
  {
    name: 'keeps one code for everybody',
    fails: check('each user has their own code'),
    source: `${HEADER}
export async function issueCode(redis: Redis, userId: string, code: string, ttlSeconds: number) {
  await redis.set('otp', code, 'EX', ttlSeconds);
  await redis.set('otp:' + userId, code, 'EX', ttlSeconds);
}${GOOD_TTL}
export async function redeemCode(redis: Redis, userId: string, code: string) {
  const ok = (await redis.getdel('otp')) === code;
  await redis.del('otp:' + userId);
  return ok;
}`,
  },
  {
    name: 'compares codes as numbers, so "12345" redeems "012345"',
    fails: check('codes are compared as text'),
    source: `${HEADER}${GOOD_ISSUE}${GOOD_TTL}
export async function redeemCode(redis: Redis, userId: string, code: string) {
  const stored = await redis.getdel('otp:' + userId);
  return stored !== null && Number(stored) === Number(code);
}`,
  },
  {
    name: 'compares with parseInt after trimming',
    fails: check('codes are compared as text'),
    source: `${HEADER}${GOOD_ISSUE}${GOOD_TTL}
export async function redeemCode(redis: Redis, userId: string, code: string) {
  const stored = await redis.getdel('otp:' + userId);
  return stored != null && parseInt(stored.trim(), 10) === parseInt(code.trim(), 10);
}`,
  },
  {
    name: 'guards GET then DEL with a module-level JavaScript lock, which a second app server does not share',
    fails: check('two attempts racing with the right code'),
    source: `${HEADER}${GOOD_ISSUE}${GOOD_TTL}
let queue: Promise<unknown> = Promise.resolve();
function locked<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}
export async function redeemCode(redis: Redis, userId: string, code: string) {
  return locked(async () => {
    const stored = await redis.get('otp:' + userId);
    await redis.del('otp:' + userId);
    return stored === code;
  });
}`,
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'SETEX, PTTL rounded up, and GET + DEL inside MULTI',
    source: `${HEADER}
export async function issueCode(redis: Redis, userId: string, code: string, ttlSeconds: number): Promise<void> {
  await redis.setex(\`otp:\${userId}\`, ttlSeconds, code);
}
export async function codeTtl(redis: Redis, userId: string): Promise<number | null> {
  const ms = await redis.pttl(\`otp:\${userId}\`);
  return ms >= 0 ? Math.ceil(ms / 1000) : null;
}
export async function redeemCode(redis: Redis, userId: string, code: string): Promise<boolean> {
  const replies = await redis.multi().get(\`otp:\${userId}\`).del(\`otp:\${userId}\`).exec();
  return replies?.[0]?.[1] === code;
}`,
  },
  {
    name: 'plain JavaScript: SET then EXPIRE in a pipeline, .then chains, and a Lua GETDEL',
    source: `
export function issueCode(redis, userId, code, ttlSeconds) {
  return redis.pipeline().set('otp:' + userId, code).expire('otp:' + userId, ttlSeconds).exec().then(() => {});
}
export function codeTtl(redis, userId) {
  return redis.ttl('otp:' + userId).then((ttl) => (ttl === -2 || ttl === -1 ? null : ttl));
}
export function redeemCode(redis, userId, code) {
  const script = "local v = redis.call('GET', KEYS[1]); redis.call('DEL', KEYS[1]); return v";
  return redis.eval(script, 1, 'otp:' + userId).then((stored) => stored === code);
}`,
  },
];

correct.push({
  name: 'SET then PEXPIRE in MULTI, TTL mapped with Math.max, and WATCH around GET + DEL',
  source: `${HEADER}
export async function issueCode(redis: Redis, userId: string, code: string, ttlSeconds: number) {
  await redis.multi().set('otp:' + userId, code).pexpire('otp:' + userId, ttlSeconds * 1000).exec();
}
export async function codeTtl(redis: Redis, userId: string) {
  const ttl = await redis.ttl('otp:' + userId);
  return Math.max(ttl, -1) === -1 ? null : ttl;
}
export async function redeemCode(redis: Redis, userId: string, code: string): Promise<boolean> {
  const key = 'otp:' + userId;
  for (;;) {
    await redis.watch(key);
    const stored = await redis.get(key);
    const done = await redis.multi().del(key).exec();
    if (done !== null) return stored !== null && stored === code && done[0][1] === 1;
  }
}`,
});

describeVariants('lesson 04-expiry', SLUG, suite, { wrong, correct });
