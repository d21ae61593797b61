import suite from '../../lessons/10-atomic-updates/checks.ts';
import SOLUTION from '../../lessons/10-atomic-updates/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'atomic-updates';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
const RESERVE = "if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then return 0 end redis.call('DECRBY', KEYS[1], ARGV[1]) return 1";
const TRANSFER = "if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then return 0 end redis.call('DECRBY', KEYS[1], ARGV[1]) redis.call('INCRBY', KEYS[2], ARGV[1]) return 1";
const ORDER = "if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then return 0 end redis.call('DECRBY', KEYS[1], ARGV[1]) redis.call('HSET', KEYS[2], 'sku', ARGV[2], 'qty', ARGV[1]) redis.call('RPUSH', KEYS[3], ARGV[3]) return 1";`;

const GOOD = {
  reserve: `
export async function reserve(redis: Redis, sku: string, qty: number) {
  return (await redis.eval(RESERVE, 1, 'stock:' + sku, qty)) === 1;
}`,
  transfer: `
export async function transfer(redis: Redis, from: string, to: string, amount: number) {
  return (await redis.eval(TRANSFER, 2, 'wallet:' + from, 'wallet:' + to, amount)) === 1;
}`,
  order: `
export async function placeOrder(redis: Redis, orderId: string, sku: string, qty: number) {
  return (await redis.eval(ORDER, 3, 'stock:' + sku, 'order:' + orderId, 'orders:pending', qty, sku, orderId)) === 1;
}`,
};
type Part = keyof typeof GOOD;

function withParts(replace: Partial<Record<Part, string>>): string {
  return (
    HEADER +
    (['reserve', 'transfer', 'order'] as Part[]).map((p) => replace[p] ?? GOOD[p]).join('\n')
  );
}

const wrong = [
  {
    name: 'reads the stock with GET, then DECRBYs: two requests can take the same items',
    fails: check('30 reserves of 1 item at once'),
    source: withParts({
      reserve: `
export async function reserve(redis: Redis, sku: string, qty: number) {
  if (Number(await redis.get('stock:' + sku)) < qty) return false;
  await redis.decrby('stock:' + sku, qty);
  return true;
}`,
    }),
  },
  {
    name: 'guards GET then DECRBY with a module-level JavaScript lock, which other app servers do not share',
    fails: check('30 reserves of 1 item at once'),
    source: withParts({
      reserve: `
let queue: Promise<unknown> = Promise.resolve();
export function reserve(redis: Redis, sku: string, qty: number) {
  const run = queue.then(async () => {
    if (Number(await redis.get('stock:' + sku)) < qty) return false;
    await redis.decrby('stock:' + sku, qty);
    return true;
  });
  queue = run.catch(() => undefined);
  return run;
}`,
    }),
  },
  {
    name: 'DECRBYs first and INCRBYs back when the stock went negative',
    fails: check('a reserve that cannot be met does not make a reserve that fits fail'),
    source: withParts({
      reserve: `
export async function reserve(redis: Redis, sku: string, qty: number) {
  const left = await redis.decrby('stock:' + sku, qty);
  if (left >= 0) return true;
  await redis.incrby('stock:' + sku, qty);
  return false;
}`,
    }),
  },
  {
    name: 'puts GET and DECRBY in one MULTI and decides afterwards, when the DECRBY has already run',
    fails: check('reserve takes the items from "stock:<sku>"'),
    source: withParts({
      reserve: `
export async function reserve(redis: Redis, sku: string, qty: number) {
  const replies = await redis.multi().get('stock:' + sku).decrby('stock:' + sku, qty).exec();
  return Number(replies![0][1]) >= qty;
}`,
    }),
  },
  {
    name: 'transfers with a MULTI but checks the balance outside it, without WATCH',
    fails: check('5 transfers of 30 at once'),
    source: withParts({
      transfer: `
export async function transfer(redis: Redis, from: string, to: string, amount: number) {
  if (Number(await redis.get('wallet:' + from)) < amount) return false;
  await redis.multi().decrby('wallet:' + from, amount).incrby('wallet:' + to, amount).exec();
  return true;
}`,
    }),
  },
  {
    name: 'lets a transfer overdraw the wallet',
    fails: check('transfer moves the amount'),
    source: withParts({
      transfer: `
export async function transfer(redis: Redis, from: string, to: string, amount: number) {
  await redis.multi().decrby('wallet:' + from, amount).incrby('wallet:' + to, amount).exec();
  return true;
}`,
    }),
  },
  {
    name: 'records the order before finding out that the stock is short',
    fails: check('placeOrder without enough stock returns false and records nothing'),
    source: withParts({
      order: `
export async function placeOrder(redis: Redis, orderId: string, sku: string, qty: number) {
  await redis.hset('order:' + orderId, { sku, qty: String(qty) });
  await redis.rpush('orders:pending', orderId);
  return (await redis.eval(RESERVE, 1, 'stock:' + sku, qty)) === 1;
}`,
    }),
  },
  {
    name: 'stores the order as JSON instead of a hash',
    fails: check('placeOrder reserves the stock, stores "order:<id>"'),
    source: withParts({
      order: `
export async function placeOrder(redis: Redis, orderId: string, sku: string, qty: number) {
  if ((await redis.eval(RESERVE, 1, 'stock:' + sku, qty)) !== 1) return false;
  await redis.multi().set('order:' + orderId, JSON.stringify({ sku, qty })).rpush('orders:pending', orderId).exec();
  return true;
}`,
    }),
  },
  {
    name: 'checks the stock, then records and reserves in a MULTI without WATCH: orders oversell',
    fails: check('12 orders of 1 item at once'),
    source: withParts({
      order: `
export async function placeOrder(redis: Redis, orderId: string, sku: string, qty: number) {
  if (Number(await redis.get('stock:' + sku)) < qty) return false;
  await redis.multi().decrby('stock:' + sku, qty).hset('order:' + orderId, 'sku', sku, 'qty', String(qty)).rpush('orders:pending', orderId).exec();
  return true;
}`,
    }),
  },
];

const correct = [
  {
    name: 'the reference solution (WATCH on a connection of its own, with retries)',
    source: SOLUTION,
  },
  { name: 'three Lua scripts', source: withParts({}) },
  {
    name: 'a SET NX lock per stock key or wallet, released only by its owner',
    source: `import type { Redis } from 'ioredis';
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
async function locked<T>(redis: Redis, key: string, work: () => Promise<T>): Promise<T> {
  const token = Math.random().toString(36).slice(2);
  while ((await redis.set('lock:' + key, token, 'PX', 2000, 'NX')) !== 'OK') await pause();
  try {
    return await work();
  } finally {
    if ((await redis.get('lock:' + key)) === token) await redis.del('lock:' + key);
  }
}
export function reserve(redis: Redis, sku: string, qty: number) {
  return locked(redis, 'stock:' + sku, async () => {
    if (Number(await redis.get('stock:' + sku)) < qty) return false;
    await redis.decrby('stock:' + sku, qty);
    return true;
  });
}
export function transfer(redis: Redis, from: string, to: string, amount: number) {
  return locked(redis, 'wallet:' + from, async () => {
    if (Number(await redis.get('wallet:' + from)) < amount) return false;
    await redis.multi().decrby('wallet:' + from, amount).incrby('wallet:' + to, amount).exec();
    return true;
  });
}
export function placeOrder(redis: Redis, orderId: string, sku: string, qty: number) {
  return locked(redis, 'stock:' + sku, async () => {
    if (Number(await redis.get('stock:' + sku)) < qty) return false;
    await redis.multi().decrby('stock:' + sku, qty).hset('order:' + orderId, { sku, qty: String(qty) }).rpush('orders:pending', orderId).exec();
    return true;
  });
}`,
  },
  {
    name: 'plain JavaScript: WATCH with a recursive retry on a duplicated connection',
    source: `
function attempt(conn, key, need, writes) {
  return conn.watch(key).then(() => conn.get(key)).then((value) => {
    if (Number(value || 0) < need) return conn.unwatch().then(() => false);
    return writes(conn.multi()).exec().then((done) => (done ? true : attempt(conn, key, need, writes)));
  });
}
function once(redis, key, need, writes) {
  const conn = redis.duplicate();
  return attempt(conn, key, need, writes).finally(() => conn.disconnect());
}
export const reserve = (redis, sku, qty) => once(redis, 'stock:' + sku, qty, (m) => m.decrby('stock:' + sku, qty));
export const transfer = (redis, from, to, amount) =>
  once(redis, 'wallet:' + from, amount, (m) => m.decrby('wallet:' + from, amount).incrby('wallet:' + to, amount));
export const placeOrder = (redis, id, sku, qty) =>
  once(redis, 'stock:' + sku, qty, (m) => m.decrby('stock:' + sku, qty).hset('order:' + id, 'sku', sku, 'qty', qty).rpush('orders:pending', id));
`,
  },
];

describeVariants('lesson 10-atomic-updates', SLUG, suite, { wrong, correct });
