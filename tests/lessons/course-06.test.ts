import suite from '../../lessons/06-sessions/checks.ts';
import SOLUTION from '../../lessons/06-sessions/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'sessions';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
type SessionData = Record<string, string>;
const TTL = 1800;`;
const GOOD_CREATE = `
export async function createSession(redis: Redis, id: string, data: SessionData) {
  await redis.del('session:' + id);
  await redis.hset('session:' + id, data);
  await redis.expire('session:' + id, TTL);
}`;
const GOOD_GET = `
export async function getSession(redis: Redis, id: string) {
  const data = await redis.hgetall('session:' + id);
  if (Object.keys(data).length === 0) return null;
  await redis.expire('session:' + id, TTL);
  return data;
}`;
const GOOD_REMOVE = `
export async function removeField(redis: Redis, id: string, field: string) {
  return (await redis.hdel('session:' + id, field)) > 0;
}`;
const GOOD_LOGOUT = `
export async function logout(redis: Redis, id: string) {
  return (await redis.del('session:' + id)) > 0;
}`;
const REST_AFTER_CREATE = GOOD_GET + GOOD_REMOVE + GOOD_LOGOUT;

const wrong = [
  {
    name: 'passes seconds to PEXPIRE, which counts milliseconds',
    fails: check('createSession gives the session a TTL of 1800 seconds'),
    source: `${HEADER}
export async function createSession(redis: Redis, id: string, data: SessionData) {
  await redis.del('session:' + id);
  await redis.hset('session:' + id, data);
  await redis.pexpire('session:' + id, TTL);
}${REST_AFTER_CREATE}`,
  },
  {
    name: 'returns only the values (HVALS)',
    fails: check('getSession returns every field of an existing session'),
    source: `${HEADER}${GOOD_CREATE}
export async function getSession(redis: Redis, id: string) {
  const values = await redis.hvals('session:' + id);
  if (values.length === 0) return null;
  await redis.expire('session:' + id, TTL);
  return values;
}${GOOD_REMOVE}${GOOD_LOGOUT}`,
  },
  {
    name: 'stores the session as a JSON string',
    fails: check('createSession stores the fields as a hash'),
    source: `${HEADER}
export async function createSession(redis: Redis, id: string, data: SessionData) {
  await redis.set('session:' + id, JSON.stringify(data), 'EX', TTL);
}
export async function getSession(redis: Redis, id: string) {
  const json = await redis.get('session:' + id);
  if (json === null) return null;
  await redis.expire('session:' + id, TTL);
  return JSON.parse(json);
}
export async function removeField() { return false; }${GOOD_LOGOUT}`,
  },
  {
    name: 'never sets an expiry',
    fails: check('a session nobody reads expires after 30 minutes'),
    source: `${HEADER}
export async function createSession(redis: Redis, id: string, data: SessionData) {
  await redis.del('session:' + id);
  await redis.hset('session:' + id, data);
}${REST_AFTER_CREATE}`,
  },
  {
    name: 'merges into an old session instead of replacing it',
    fails: check('createSession replaces an earlier session'),
    source: `${HEADER}
export async function createSession(redis: Redis, id: string, data: SessionData) {
  await redis.hset('session:' + id, data);
  await redis.expire('session:' + id, TTL);
}${REST_AFTER_CREATE}`,
  },
  {
    name: 'returns {} for a missing session',
    fails: check('getSession returns null for a missing session'),
    source: `${HEADER}${GOOD_CREATE}
export async function getSession(redis: Redis, id: string) {
  await redis.expire('session:' + id, TTL);
  return redis.hgetall('session:' + id);
}${GOOD_REMOVE}${GOOD_LOGOUT}`,
  },
  {
    name: 'does not refresh the expiry on read',
    fails: check('reading a session restarts its 30-minute countdown'),
    source: `${HEADER}${GOOD_CREATE}
export async function getSession(redis: Redis, id: string) {
  const data = await redis.hgetall('session:' + id);
  return Object.keys(data).length ? data : null;
}${GOOD_REMOVE}${GOOD_LOGOUT}`,
  },
  {
    name: 'touches a missing session with HSET, creating it',
    fails: check('getSession returns null for a missing session'),
    source: `${HEADER}${GOOD_CREATE}
export async function getSession(redis: Redis, id: string) {
  await redis.hsetnx('session:' + id, 'createdBy', 'getSession');
  await redis.expire('session:' + id, TTL);
  const { createdBy, ...data } = await redis.hgetall('session:' + id);
  return createdBy === 'getSession' ? null : data;
}${GOOD_REMOVE}${GOOD_LOGOUT}`,
  },
  {
    name: "returns HDEL's count instead of a boolean",
    fails: check('removeField deletes one field'),
    source: `${HEADER}${GOOD_CREATE}${GOOD_GET}
export async function removeField(redis: Redis, id: string, field: string) {
  return redis.hdel('session:' + id, field);
}${GOOD_LOGOUT}`,
  },
  {
    name: 'logs out by emptying the fields one by one and always returns true',
    fails: check('logout deletes the whole session'),
    source: `${HEADER}${GOOD_CREATE}${GOOD_GET}${GOOD_REMOVE}
export async function logout(redis: Redis, id: string) {
  const fields = await redis.hkeys('session:' + id);
  if (fields.length) await redis.hdel('session:' + id, ...fields);
  return true;
}`,
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'MULTI everywhere: UNLINK + HSET field list + PEXPIRE, HGETALL + EXPIRE',
    source: `${HEADER}
export async function createSession(redis: Redis, id: string, data: SessionData): Promise<void> {
  const key = \`session:\${id}\`;
  await redis.multi().unlink(key).hset(key, ...Object.entries(data).flat()).pexpire(key, TTL * 1000).exec();
}
export async function getSession(redis: Redis, id: string): Promise<SessionData | null> {
  const key = \`session:\${id}\`;
  const [[, data]] = (await redis.multi().hgetall(key).expire(key, TTL).exec()) as [[null, SessionData]];
  return Object.keys(data).length > 0 ? data : null;
}
export async function removeField(redis: Redis, id: string, field: string): Promise<boolean> {
  return (await redis.hdel(\`session:\${id}\`, field)) === 1;
}
export async function logout(redis: Redis, id: string): Promise<boolean> {
  return (await redis.unlink(\`session:\${id}\`)) === 1;
}`,
  },
  {
    name: 'plain JavaScript with .then, HMSET, EXISTS before reading, and EXPIRE before HGETALL',
    source: `
const key = (id) => 'session:' + id;
export function createSession(redis, id, data) {
  return redis.del(key(id)).then(() => redis.hmset(key(id), data)).then(() => redis.expire(key(id), 1800)).then(() => {});
}
export function getSession(redis, id) {
  return redis.expire(key(id), 1800).then((refreshed) => (refreshed ? redis.hgetall(key(id)) : null));
}
export function removeField(redis, id, field) {
  return redis.hexists(key(id), field).then((had) => redis.hdel(key(id), field).then(() => had === 1));
}
export function logout(redis, id) {
  return redis.exists(key(id)).then((had) => redis.del(key(id)).then(() => had === 1));
}`,
  },
];

correct.push({
  name: 'a Lua script that reads and refreshes in one step, and HSET + EXPIRE in a pipeline',
  source: `${HEADER}
const READ = "local f = redis.call('HGETALL', KEYS[1]) if #f == 0 then return nil end redis.call('EXPIRE', KEYS[1], ARGV[1]) return f";
export async function createSession(redis: Redis, id: string, data: SessionData) {
  await redis.pipeline().del('session:' + id).hset('session:' + id, data).expire('session:' + id, TTL).exec();
}
export async function getSession(redis: Redis, id: string): Promise<SessionData | null> {
  const flat = (await redis.eval(READ, 1, 'session:' + id, TTL)) as string[] | null;
  if (!flat) return null;
  const out: SessionData = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}${GOOD_REMOVE}${GOOD_LOGOUT}`,
});

describeVariants('lesson 06-sessions', SLUG, suite, { wrong, correct });
