import { defineChecks } from 'cachelab/checks';

interface Exports {
  allowRequest(redis: unknown, userId: string, limit: number, windowMs: number): Promise<boolean>;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export default defineChecks<Exports>({
  exports: ['allowRequest'],
  checks: [
    {
      name: 'allows the first `limit` requests and denies the next one',
      async run({ learner, client, expect }) {
        const answers: boolean[] = [];
        for (let i = 0; i < 4; i++)
          answers.push(await learner.allowRequest(client, 'ada', 3, MINUTE));
        expect(answers, 'answers to 4 requests with limit 3').to.deep.equal([
          true,
          true,
          true,
          false,
        ]);
      },
    },
    {
      name: 'the window slides: a request is allowed again as soon as the oldest allowed one is a full window old',
      async run({ learner, client, clock, expect }) {
        const at = async () => learner.allowRequest(client, 'ada', 3, MINUTE);
        expect(await at(), 'request at 0 s').to.equal(true);
        await clock.advance(20 * SECOND);
        expect(await at(), 'request at 20 s').to.equal(true);
        await clock.advance(20 * SECOND);
        expect(await at(), 'request at 40 s').to.equal(true);
        await clock.advance(10 * SECOND);
        expect(await at(), 'request at 50 s (3 in the last minute)').to.equal(false);
        await clock.advance(11 * SECOND);
        expect(await at(), 'request at 61 s (the one at 0 s has left the window)').to.equal(true);
        await clock.advance(1 * SECOND);
        expect(await at(), 'request at 62 s (20 s, 40 s and 61 s are in the window)').to.equal(
          false,
        );
        await clock.advance(19 * SECOND);
        expect(await at(), 'request at 81 s (the one at 20 s has left)').to.equal(true);
      },
    },
    {
      name: 'no burst at a window boundary: with limit 3, one request and two more 58.5 s later leave room for only one more 2 s after that',
      async run({ learner, client, clock, expect }) {
        // Start just after a whole minute of the clock, so that a window aligned to the clock's
        // minutes and a window opened by the first request both end during this check.
        await clock.advance(MINUTE - (clock.now() % MINUTE) + 500);
        const ask = () => learner.allowRequest(client, 'ada', 3, MINUTE);
        expect(await ask(), 'request at 0 s').to.equal(true);
        await clock.advance(58_500);
        expect([await ask(), await ask()], 'two requests at 58.5 s').to.deep.equal([true, true]);
        await clock.advance(2 * SECOND);
        const late = [await ask(), await ask(), await ask()];
        expect(late, 'three requests at 60.5 s (two allowed ones are 2 s old)').to.deep.equal([
          true,
          false,
          false,
        ]);
      },
    },
    {
      name: 'denied requests do not count: a user who keeps retrying while denied gets in once the window allows',
      async run({ learner, client, clock, expect }) {
        for (let i = 0; i < 2; i++) await learner.allowRequest(client, 'ada', 2, 10 * SECOND);
        await clock.advance(5 * SECOND);
        for (let i = 0; i < 5; i++) {
          expect(
            await learner.allowRequest(client, 'ada', 2, 10 * SECOND),
            `retry ${i + 1} at 5 s`,
          ).to.equal(false);
        }
        await clock.advance(5500);
        expect(
          await learner.allowRequest(client, 'ada', 2, 10 * SECOND),
          'a request at 10.5 s, when the first two have left the window',
        ).to.equal(true);
      },
    },
    {
      name: 'keeps the log in the sorted set "ratelog:<userId>" (scores are request times in ms), never more than `limit` entries, expiring within one window',
      async run({ learner, client, redis, clock, expect }) {
        const start = clock.now();
        for (let i = 0; i < 12; i++) {
          await learner.allowRequest(client, 'ada', 3, 30 * SECOND);
          await clock.advance(4 * SECOND);
        }
        expect(await redis.type('ratelog:ada'), 'type of "ratelog:ada"').to.equal('zset');
        const entries = await redis.zrange('ratelog:ada', 0, -1, 'WITHSCORES');
        const scores = entries.filter((_, i) => i % 2 === 1).map(Number);
        expect(scores.length, `entries in "ratelog:ada" (scores: ${scores})`).to.be.within(1, 3);
        for (const score of scores) {
          expect(score, 'each score, a request time in ms').to.be.within(start, clock.now());
        }
        const pttl = await redis.pttl('ratelog:ada');
        expect(pttl, 'PTTL of "ratelog:ada" in ms (-1: no expiry)').to.be.within(1, 30 * SECOND);
      },
    },
    {
      name: 'each user has their own log',
      async run({ learner, client, expect }) {
        for (let i = 0; i < 3; i++) await learner.allowRequest(client, 'ada', 2, MINUTE);
        expect(
          await learner.allowRequest(client, 'bob', 2, MINUTE),
          "bob's first request",
        ).to.equal(true);
        expect(
          await learner.allowRequest(client, 'bob', 2, MINUTE),
          "bob's second request",
        ).to.equal(true);
      },
    },
    {
      name: '10 requests at once on two app servers with limit 4: exactly 4 are allowed',
      async run({ learner, newServer, client, expect }) {
        const servers = [learner, newServer()];
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            servers[i % 2].allowRequest(client, 'ada', 4, MINUTE),
          ),
        );
        expect(answers.filter(Boolean).length, 'requests allowed').to.equal(4);
      },
    },
  ],
});
