import type { Redis } from 'ioredis';
import { defineChecks } from 'cachelab/checks';

interface Exports {
  keyFor(type: string, id: string | number, field?: string): string;
  saveEntity(redis: unknown, type: string, id: string | number, value: object): Promise<void>;
  loadEntity(redis: unknown, type: string, id: string | number): Promise<object | null>;
  findKeys(redis: unknown, type: string): Promise<string[]>;
}

/** Enough keys that one SCAN call (COUNT 10 by default) cannot return them all. */
const USER_COUNT = 250;

/** Seeds users, their field keys, and neighbours whose names merely start with "user". */
async function seedNamespaces(redis: Redis): Promise<string[]> {
  const users: string[] = [];
  // Key, value, key, value…, in the order a pipeline of SETs would write them (see seedOthers).
  const pairs: string[] = [];
  for (let id = 1; id <= USER_COUNT; id++) {
    users.push(`user:${id}`);
    pairs.push(`user:${id}`, JSON.stringify({ id }));
  }
  users.push('user:7:email', 'user:9:avatar');
  pairs.push('user:7:email', 'ada@example.com', 'user:9:avatar', 'cat.png');
  for (const other of ['order:1', 'order:2', 'username:ada', 'users:count', 'session:user:1']) {
    pairs.push(other, 'x');
  }
  await redis.mset(...pairs);
  return users.sort();
}

/**
 * Seeds `count` keys outside the "user:" namespace, named so they sort after it. One MSET, not a
 * pipeline of SETs: the keyspace goes through the same states between two SCAN steps (the
 * sandbox's table, like Redis's, sizes itself by key count, and nothing scans mid-command), and
 * the check that re-seeds 1,200 keys at every step no longer pays 1,200 commands each time.
 */
async function seedOthers(redis: Redis, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `visit:${i}`);
  await redis.mset(...keys.flatMap((key) => [key, '1']));
  return keys;
}

export default defineChecks<Exports>({
  exports: ['keyFor', 'saveEntity', 'loadEntity', 'findKeys'],
  checks: [
    {
      name: 'keyFor joins type and id with a colon: keyFor("user", 42) is "user:42"',
      async run({ learner, expect }) {
        expect(await learner.keyFor('user', 42), 'keyFor("user", 42)').to.equal('user:42');
        expect(await learner.keyFor('order', 'a7'), 'keyFor("order", "a7")').to.equal('order:a7');
      },
    },
    {
      name: 'keyFor appends a field as a third part: keyFor("user", 42, "email") is "user:42:email"',
      async run({ learner, expect }) {
        expect(await learner.keyFor('user', 42, 'email'), 'keyFor("user", 42, "email")').to.equal(
          'user:42:email',
        );
        expect(await learner.keyFor('order', 3, 'items'), 'keyFor("order", 3, "items")').to.equal(
          'order:3:items',
        );
      },
    },
    {
      name: 'saveEntity stores the value as JSON under "type:id"',
      async run({ learner, client, redis, expect }) {
        const ada = { id: 42, name: 'Ada' };
        await learner.saveEntity(client, 'user', 42, ada);
        const stored = await redis.get('user:42');
        expect(stored, 'value of "user:42"').to.be.a('string');
        expect(JSON.parse(stored!), 'JSON.parse of "user:42"').to.deep.equal(ada);
      },
    },
    {
      name: 'user 42 and order 42 coexist: saving one never overwrites the other',
      async run({ learner, client, expect }) {
        const user = { id: 42, name: 'Ada' };
        const order = { id: 42, total: 99.5 };
        await learner.saveEntity(client, 'user', 42, user);
        await learner.saveEntity(client, 'order', 42, order);
        expect(
          await learner.loadEntity(client, 'user', 42),
          'loadEntity("user", 42)',
        ).to.deep.equal(user);
        expect(
          await learner.loadEntity(client, 'order', 42),
          'loadEntity("order", 42)',
        ).to.deep.equal(order);
      },
    },
    {
      name: 'loadEntity returns null when nothing is stored under "type:id"',
      async run({ learner, client, redis, expect }) {
        await redis.set('user:1', JSON.stringify({ id: 1 }));
        expect(await learner.loadEntity(client, 'user', 2), 'loadEntity("user", 2)').to.equal(null);
        expect(await learner.loadEntity(client, 'order', 1), 'loadEntity("order", 1)').to.equal(
          null,
        );
      },
    },
    {
      name: `findKeys("user") returns every key in the "user:" namespace, sorted with the default sort, even with ${USER_COUNT}+ keys`,
      async run({ learner, client, redis, expect }) {
        const expected = await seedNamespaces(redis);
        const found = await learner.findKeys(client, 'user');
        expect(found, 'findKeys("user") result').to.be.an('array');
        expect(found.length, 'number of keys found').to.equal(expected.length);
        expect(found, 'findKeys("user") result').to.deep.equal(expected);
      },
    },
    {
      name: 'findKeys keeps following the cursor when a SCAN step finds nothing: only cursor "0" means the walk is over',
      async run({ learner, client, redis, expect }) {
        // Eight matches among 800 other keys: most SCAN steps come back empty while the
        // cursor is not yet 0, so a loop that stops on an empty step misses keys.
        await seedOthers(redis, 800);
        const users = Array.from({ length: 8 }, (_, i) => `user:${i + 1}`);
        await redis.mset(Object.fromEntries(users.map((key) => [key, '{}'])));
        const found = await learner.findKeys(client, 'user');
        expect(found, 'findKeys("user") with 8 user keys among 800 others').to.deep.equal(
          [...users].sort(),
        );
      },
    },
    {
      name: 'findKeys returns each key once, even if SCAN hands it out twice (the keyspace shrinks during the walk)',
      async run({ learner, client, redis, log, expect }) {
        const users = await seedNamespaces(redis);
        // While the walk is under way, another client keeps adding and deleting 1,200 other keys,
        // one step of the walk at a time. Redis's table grows and shrinks with them, and after a
        // shrink SCAN may repeat keys it already returned. Every key present for the whole walk
        // is still returned.
        let others = await seedOthers(redis, 1200);
        let settled = false;
        const walk = learner.findKeys(client, 'user').finally(() => {
          settled = true;
        });
        for (let seen = 0, turns = 0; !settled && turns < 20_000; turns++) {
          const scans = log.only('scan').length;
          if (scans > seen) {
            seen = scans;
            if (others.length > 0) {
              await redis.del(...others);
              others = [];
            } else {
              others = await seedOthers(redis, 1200);
            }
          }
          await redis.ping();
        }
        const found = await walk;
        expect(found, 'findKeys("user") result').to.be.an('array');
        const repeated = found.filter((key, i) => found.indexOf(key) !== i);
        expect(repeated, 'keys returned more than once').to.deep.equal([]);
        expect(found, 'findKeys("user") result').to.deep.equal(users);
      },
    },
    {
      name: 'findKeys("user") leaves out keys that merely start with "user", such as "username:ada" and "users:count"',
      async run({ learner, client, redis, expect }) {
        await redis.mset('user:1', 'a', 'username:ada', 'b', 'users:count', 'c');
        expect(await learner.findKeys(client, 'user'), 'findKeys("user")').to.deep.equal([
          'user:1',
        ]);
      },
    },
    {
      name: 'findKeys returns an empty array when the namespace has no keys',
      async run({ learner, client, redis, expect }) {
        await redis.set('order:1', 'x');
        expect(await learner.findKeys(client, 'user'), 'findKeys("user")').to.deep.equal([]);
      },
    },
    {
      name: 'findKeys walks the keyspace with SCAN and a MATCH pattern, never with KEYS',
      async run({ learner, client, redis, log, expect }) {
        await seedNamespaces(redis);
        await learner.findKeys(client, 'user');
        expect(log.only('keys'), 'KEYS commands sent').to.have.length(0);
        const scans = log.only('scan');
        expect(scans.length, 'SCAN commands sent').to.be.greaterThan(0);
        for (const scan of scans) {
          const lower = scan.args.map((arg) => arg.toLowerCase());
          expect(lower, `SCAN ${scan.args.join(' ')}`).to.include('match');
        }
        expect(scans[0].args[0], 'cursor of the first SCAN').to.equal('0');
      },
    },
  ],
});
