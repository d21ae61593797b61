import suite from '../../lessons/13-negative-caching/checks.ts';
import SOLUTION from '../../lessons/13-negative-caching/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'negative-caching';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
interface Account { id: number; name: string; plan: string }
interface AccountDb { get(key: string): Promise<Account | null>; set(key: string, a: Account): Promise<unknown> }`;

/** getAccount with the marker, its TTL and the found TTL as parameters. */
function getAccount(parts: {
  marker?: string;
  missingTtl?: string;
  foundTtl?: string;
  hitTest?: string;
  onMarker?: string;
}) {
  const marker = parts.marker ?? `'__none__'`;
  const hitTest = parts.hitTest ?? `hit !== null`;
  const onMarker = parts.onMarker ?? `return null;`;
  return `
const MARKER = ${marker};
export async function getAccount(redis: Redis, db: AccountDb, id: number) {
  const key = 'account:' + id;
  const hit = await redis.get(key);
  if (hit === MARKER) { ${onMarker} }
  if (${hitTest}) return JSON.parse(hit as string);
  const account = await db.get(key);
  if (account === null) {
    await redis.set(key, MARKER, 'EX', ${parts.missingTtl ?? '30'});
    return null;
  }
  await redis.set(key, JSON.stringify(account), 'EX', ${parts.foundTtl ?? '600'});
  return account;
}`;
}
const GOOD_CREATE = `
export async function createAccount(redis: Redis, db: AccountDb, account: Account) {
  await db.set('account:' + account.id, account);
  await redis.del('account:' + account.id);
}`;

const wrong = [
  {
    name: 'caches nothing for a missing account',
    fails: check('getAccount returns null for an account that does not exist'),
    source: `${HEADER}
export async function getAccount(redis: Redis, db: AccountDb, id: number) {
  const hit = await redis.get('account:' + id);
  if (hit !== null) return JSON.parse(hit);
  const account = await db.get('account:' + id);
  if (account) await redis.set('account:' + id, JSON.stringify(account), 'EX', 600);
  return account;
}${GOOD_CREATE}`,
  },
  {
    name: 'uses an empty string as the marker and treats any falsy value as a miss',
    fails: check('getAccount returns null for an account that does not exist'),
    source: `${HEADER}
export async function getAccount(redis: Redis, db: AccountDb, id: number) {
  const key = 'account:' + id;
  const hit = await redis.get(key);
  if (hit) return JSON.parse(hit);
  const account = await db.get(key);
  if (!account) await redis.set(key, '', 'EX', 30);
  else await redis.set(key, JSON.stringify(account), 'EX', 600);
  return account;
}${GOOD_CREATE}`,
  },
  {
    name: 'gives the marker the same 600-second TTL as real accounts',
    fails: check('the "missing" entry lives under "account:<id>" for only 30 seconds'),
    source: `${HEADER}${getAccount({ missingTtl: '600' })}${GOOD_CREATE}`,
  },
  {
    name: 'stores the marker with no TTL at all',
    fails: check('an account created behind the cache'),
    source: `${HEADER}
export async function getAccount(redis: Redis, db: AccountDb, id: number) {
  const key = 'account:' + id;
  const hit = await redis.get(key);
  if (hit === 'none') return null;
  if (hit !== null) return JSON.parse(hit);
  const account = await db.get(key);
  if (account === null) {
    await redis.set(key, 'none');
    return null;
  }
  await redis.set(key, JSON.stringify(account), 'EX', 600);
  return account;
}${GOOD_CREATE}`,
  },
  {
    name: 'stores the JSON of null as the marker, under its own TTL, and forgets the found TTL',
    fails: check('getAccount reads an existing account from the database once'),
    source: `${HEADER}
export async function getAccount(redis: Redis, db: AccountDb, id: number) {
  const key = 'account:' + id;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit);
  const account = await db.get(key);
  if (account === null) await redis.set(key, 'null', 'EX', 30);
  else await redis.set(key, JSON.stringify(account));
  return account;
}${GOOD_CREATE}`,
  },
  {
    name: 'returns the marker string instead of null',
    fails: check('getAccount returns null for an account that does not exist'),
    source: `${HEADER}${getAccount({ onMarker: 'return MARKER as unknown as null;' })}${GOOD_CREATE}`,
  },
  {
    name: 'keeps markers in a separate set that never expires',
    fails: check('the "missing" entry lives under "account:<id>"'),
    source: `${HEADER}
export async function getAccount(redis: Redis, db: AccountDb, id: number) {
  if (await redis.sismember('accounts:missing', String(id))) return null;
  const hit = await redis.get('account:' + id);
  if (hit !== null) return JSON.parse(hit);
  const account = await db.get('account:' + id);
  if (account === null) {
    await redis.sadd('accounts:missing', String(id));
    return null;
  }
  await redis.set('account:' + id, JSON.stringify(account), 'EX', 600);
  return account;
}
export async function createAccount(redis: Redis, db: AccountDb, account: Account) {
  await db.set('account:' + account.id, account);
  await redis.srem('accounts:missing', String(account.id));
}`,
  },
  {
    name: 'creates the account without clearing the cached marker',
    fails: check('createAccount writes the database'),
    source: `${HEADER}${getAccount({})}
export async function createAccount(redis: Redis, db: AccountDb, account: Account) {
  await db.set('account:' + account.id, account);
}`,
  },
  {
    name: 'clears the marker before writing the database, then caches the account without a TTL',
    fails: check('getAccount reads an existing account'),
    source: `${HEADER}${getAccount({ foundTtl: '0 + 600000' })}
export async function createAccount(redis: Redis, db: AccountDb, account: Account) {
  await redis.del('account:' + account.id);
  await db.set('account:' + account.id, account);
}`,
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'a JSON envelope-free marker "-", SETEX for both, and UNLINK',
    source: `${HEADER}
export async function getAccount(redis: Redis, db: AccountDb, id: number): Promise<Account | null> {
  const key = \`account:\${id}\`;
  const cached = await redis.get(key);
  if (cached === '-') return null;
  if (cached) return JSON.parse(cached) as Account;
  const row = await db.get(key);
  await redis.setex(key, row ? 600 : 30, row ? JSON.stringify(row) : '-');
  return row;
}
export async function createAccount(redis: Redis, db: AccountDb, account: Account) {
  await db.set(\`account:\${account.id}\`, account);
  await redis.unlink(\`account:\${account.id}\`);
}`,
  },
  {
    name: 'createAccount that caches the new account right away, and PX TTLs',
    source: `${HEADER}${getAccount({ marker: "'NOT_FOUND'", missingTtl: '30' })}
export async function createAccount(redis: Redis, db: AccountDb, account: Account) {
  await db.set('account:' + account.id, account);
  await redis.set('account:' + account.id, JSON.stringify(account), 'PX', 600_000);
}`,
  },
  {
    name: 'plain JavaScript with .then and a MULTI for the write',
    source: `
export function getAccount(redis, db, id) {
  const key = 'account:' + id;
  return redis.get(key).then((hit) => {
    if (hit === '∅') return null;
    if (hit != null) return JSON.parse(hit);
    return db.get(key).then((row) =>
      redis.multi().set(key, row ? JSON.stringify(row) : '∅').expire(key, row ? 600 : 30).exec().then(() => row),
    );
  });
}
export function createAccount(redis, db, account) {
  return db.set('account:' + account.id, account).then(() => redis.del('account:' + account.id)).then(() => undefined);
}`,
  },
];

describeVariants('lesson 13-negative-caching', SLUG, suite, { wrong, correct });
