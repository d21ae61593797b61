import { defineChecks, type CheckContext } from 'cachelab/checks';

interface Account {
  id: number;
  name: string;
  plan: string;
}

interface Exports {
  getAccount(redis: unknown, db: unknown, id: number): Promise<Account | null>;
  createAccount(redis: unknown, db: unknown, account: Account): Promise<void>;
}

const SECOND = 1000;
const ada: Account = { id: 7, name: 'Ada Ltd', plan: 'pro' };
const bob: Account = { id: 8, name: 'Bob & Sons', plan: 'free' };

/** An account database holding ada and bob. */
function accounts(fakeDb: CheckContext<Exports>['fakeDb']) {
  const db = fakeDb({ rows: { 'account:7': ada, 'account:8': bob } });
  return { db, api: db.api as unknown, reads: () => db.callsTo('get').length };
}

export default defineChecks<Exports>({
  exports: ['getAccount', 'createAccount'],
  checks: [
    {
      name: 'getAccount reads an existing account from the database once, caches it under "account:<id>" for 600 seconds, and serves the next read from the cache',
      async run({ learner, client, redis, fakeDb, expect }) {
        const { api, reads } = accounts(fakeDb);
        expect(await learner.getAccount(client, api, 7), 'getAccount(7)').to.deep.equal(ada);
        expect(await learner.getAccount(client, api, 7), 'getAccount(7) again').to.deep.equal(ada);
        expect(reads(), 'database reads').to.equal(1);
        expect(
          JSON.parse((await redis.get('account:7')) ?? 'null'),
          'JSON.parse of "account:7"',
        ).to.deep.equal(ada);
        expect(await redis.ttl('account:7'), 'TTL of "account:7" (-1: no expiry)').to.be.within(
          599,
          600,
        );
      },
    },
    {
      name: 'getAccount returns null for an account that does not exist, and the next lookups do not ask the database',
      async run({ learner, client, fakeDb, expect }) {
        const { api, reads } = accounts(fakeDb);
        for (let i = 1; i <= 3; i++) {
          expect(await learner.getAccount(client, api, 99), `getAccount(99), lookup ${i}`).to.equal(
            null,
          );
        }
        expect(reads(), 'database reads for three lookups of a missing account').to.equal(1);
      },
    },
    {
      name: 'the "missing" entry lives under "account:<id>" for only 30 seconds',
      async run({ learner, client, redis, fakeDb, expect }) {
        const { api } = accounts(fakeDb);
        await learner.getAccount(client, api, 99);
        expect(await redis.exists('account:99'), 'EXISTS account:99 after the lookup').to.equal(1);
        expect(await redis.ttl('account:99'), 'TTL of "account:99" (-1: no expiry)').to.be.within(
          29,
          30,
        );
      },
    },
    {
      name: 'an account created behind the cache\'s back shows up once the "missing" entry has expired',
      async run({ learner, client, fakeDb, clock, expect }) {
        const { db, api, reads } = accounts(fakeDb);
        await learner.getAccount(client, api, 99);
        const late: Account = { id: 99, name: 'Late Co', plan: 'pro' };
        db.rows.set('account:99', late); // another service created it
        await clock.advance(31 * SECOND);
        expect(
          await learner.getAccount(client, api, 99),
          'getAccount(99) 31 s later',
        ).to.deep.equal(late);
        expect(reads(), 'database reads').to.equal(2);
      },
    },
    {
      name: 'createAccount writes the database, and the new account is found at once even if it was cached as missing',
      async run({ learner, client, fakeDb, expect }) {
        const { db, api } = accounts(fakeDb);
        expect(
          await learner.getAccount(client, api, 42),
          'getAccount(42) before it exists',
        ).to.equal(null);
        const fresh: Account = { id: 42, name: 'Grace Inc', plan: 'team' };
        await learner.createAccount(client, api, fresh);
        expect(db.rows.get('account:42'), 'database row "account:42"').to.deep.equal(fresh);
        expect(
          await learner.getAccount(client, api, 42),
          'getAccount(42) after createAccount',
        ).to.deep.equal(fresh);
      },
    },
    {
      name: 'someone probing 20 ids that do not exist, twice, costs the database 20 reads, not 40',
      async run({ learner, client, fakeDb, expect }) {
        const { api, reads } = accounts(fakeDb);
        for (let round = 0; round < 2; round++) {
          for (let id = 1000; id < 1020; id++) {
            expect(await learner.getAccount(client, api, id), `getAccount(${id})`).to.equal(null);
          }
        }
        expect(reads(), 'database reads').to.equal(20);
      },
    },
    {
      name: 'missing and existing accounts do not get mixed up',
      async run({ learner, client, fakeDb, expect }) {
        const { api } = accounts(fakeDb);
        expect(await learner.getAccount(client, api, 99), 'getAccount(99)').to.equal(null);
        expect(await learner.getAccount(client, api, 8), 'getAccount(8)').to.deep.equal(bob);
        expect(await learner.getAccount(client, api, 99), 'getAccount(99) again').to.equal(null);
        expect(await learner.getAccount(client, api, 8), 'getAccount(8) again').to.deep.equal(bob);
      },
    },
  ],
});
