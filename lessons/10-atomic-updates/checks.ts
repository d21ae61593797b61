import { defineChecks, type LearnerModule } from 'cachelab/checks';

interface Exports {
  reserve(redis: unknown, sku: string, qty: number): Promise<boolean>;
  transfer(redis: unknown, from: string, to: string, amount: number): Promise<boolean>;
  placeOrder(redis: unknown, orderId: string, sku: string, qty: number): Promise<boolean>;
}

/** `count` servers: the learner's module and count - 1 more app servers sharing Redis. */
function servers(
  learner: LearnerModule<Exports>,
  newServer: () => LearnerModule<Exports>,
  count: number,
): LearnerModule<Exports>[] {
  return [learner, ...Array.from({ length: count - 1 }, () => newServer())];
}

export default defineChecks<Exports>({
  exports: ['reserve', 'transfer', 'placeOrder'],
  checks: [
    {
      name: 'reserve takes the items from "stock:<sku>" when there are enough, and refuses (false, stock unchanged) when there are not',
      async run({ learner, client, redis, expect }) {
        await redis.set('stock:lamp', '5');
        expect(await learner.reserve(client, 'lamp', 3), 'reserve 3 of 5').to.equal(true);
        expect(await redis.get('stock:lamp'), 'stock after reserving 3').to.equal('2');
        expect(await learner.reserve(client, 'lamp', 3), 'reserve 3 of 2').to.equal(false);
        expect(await redis.get('stock:lamp'), 'stock after the refused reserve').to.equal('2');
        expect(
          await learner.reserve(client, 'chair', 1),
          'reserve 1 of a sku with no stock key',
        ).to.equal(false);
      },
    },
    {
      name: '30 reserves of 1 item at once, on three app servers, with 10 in stock: exactly 10 succeed and the stock ends at 0',
      async run({ learner, newServer, client, redis, expect }) {
        await redis.set('stock:lamp', '10');
        const apps = servers(learner, newServer, 3);
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, i) => apps[i % 3].reserve(client, 'lamp', 1)),
        );
        expect(answers.filter(Boolean).length, 'reserves that succeeded').to.equal(10);
        expect(await redis.get('stock:lamp'), 'stock at the end').to.equal('0');
      },
    },
    {
      name: 'a reserve that cannot be met does not make a reserve that fits fail at the same moment',
      async run({ learner, newServer, client, redis, expect }) {
        await redis.set('stock:lamp', '3');
        const [big, fits] = await Promise.all([
          learner.reserve(client, 'lamp', 5),
          newServer().reserve(client, 'lamp', 3),
        ]);
        expect(big, 'reserve 5 of 3').to.equal(false);
        expect(fits, 'reserve 3 of 3, at the same moment').to.equal(true);
        expect(await redis.get('stock:lamp'), 'stock at the end').to.equal('0');
      },
    },
    {
      name: 'transfer moves the amount between "wallet:<name>" keys, and changes nothing when the sender is short',
      async run({ learner, client, redis, expect }) {
        await redis.mset('wallet:ada', '100', 'wallet:bob', '20');
        expect(await learner.transfer(client, 'ada', 'bob', 30), 'transfer 30 ada → bob').to.equal(
          true,
        );
        expect(await redis.mget('wallet:ada', 'wallet:bob'), 'wallets after it').to.deep.equal([
          '70',
          '50',
        ]);
        expect(await learner.transfer(client, 'bob', 'ada', 80), 'transfer 80 bob → ada').to.equal(
          false,
        );
        expect(
          await redis.mget('wallet:ada', 'wallet:bob'),
          'wallets after the refused one',
        ).to.deep.equal(['70', '50']);
        expect(
          await learner.transfer(client, 'ada', 'cy', 10),
          'transfer 10 ada → cy (new wallet)',
        ).to.equal(true);
        expect(await redis.get('wallet:cy'), 'wallet:cy').to.equal('10');
      },
    },
    {
      name: '5 transfers of 30 at once from a wallet of 100, on three app servers: exactly 3 go through and no money appears or vanishes',
      async run({ learner, newServer, client, redis, expect }) {
        await redis.set('wallet:ada', '100');
        const apps = servers(learner, newServer, 3);
        const answers = await Promise.all(
          ['bob', 'cy', 'dee', 'eve', 'fay'].map((to, i) =>
            apps[i % 3].transfer(client, 'ada', to, 30),
          ),
        );
        expect(answers.filter(Boolean).length, 'transfers that went through').to.equal(3);
        expect(await redis.get('wallet:ada'), 'wallet:ada at the end').to.equal('10');
        const received = await redis.mget(
          'wallet:bob',
          'wallet:cy',
          'wallet:dee',
          'wallet:eve',
          'wallet:fay',
        );
        const total = received.reduce((sum, v) => sum + Number(v ?? 0), 0);
        expect(total, `money received (${received})`).to.equal(90);
      },
    },
    {
      name: 'placeOrder reserves the stock, stores "order:<id>" as a hash of sku and qty, and pushes the id onto "orders:pending"',
      async run({ learner, client, redis, expect }) {
        await redis.set('stock:lamp', '4');
        expect(
          await learner.placeOrder(client, 'o1', 'lamp', 3),
          'placeOrder("o1", "lamp", 3)',
        ).to.equal(true);
        expect(await redis.get('stock:lamp'), 'stock:lamp').to.equal('1');
        expect(await redis.hgetall('order:o1'), 'HGETALL order:o1').to.deep.equal({
          sku: 'lamp',
          qty: '3',
        });
        expect(await redis.lrange('orders:pending', 0, -1), 'orders:pending').to.deep.equal(['o1']);
      },
    },
    {
      name: 'placeOrder without enough stock returns false and records nothing',
      async run({ learner, client, redis, expect }) {
        await redis.set('stock:lamp', '2');
        expect(
          await learner.placeOrder(client, 'o2', 'lamp', 3),
          'placeOrder("o2", "lamp", 3)',
        ).to.equal(false);
        expect(await redis.get('stock:lamp'), 'stock:lamp').to.equal('2');
        expect(await redis.exists('order:o2'), 'EXISTS order:o2').to.equal(0);
        expect(await redis.llen('orders:pending'), 'LLEN orders:pending').to.equal(0);
      },
    },
    {
      name: '12 orders of 1 item at once, on three app servers, with 5 in stock: 5 are placed, and exactly those 5 are recorded',
      async run({ learner, newServer, client, redis, expect }) {
        await redis.set('stock:lamp', '5');
        const apps = servers(learner, newServer, 3);
        const ids = Array.from({ length: 12 }, (_, i) => `o${i + 1}`);
        const answers = await Promise.all(
          ids.map((id, i) => apps[i % 3].placeOrder(client, id, 'lamp', 1)),
        );
        const placed = ids.filter((_, i) => answers[i]);
        expect(placed.length, 'orders placed').to.equal(5);
        expect(await redis.get('stock:lamp'), 'stock at the end').to.equal('0');
        expect(
          (await redis.lrange('orders:pending', 0, -1)).sort(),
          'orders:pending',
        ).to.deep.equal([...placed].sort());
        for (const id of ids) {
          expect(await redis.exists(`order:${id}`), `EXISTS order:${id}`).to.equal(
            placed.includes(id) ? 1 : 0,
          );
        }
      },
    },
  ],
});
