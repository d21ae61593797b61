import { defineChecks } from 'cachelab/checks';

interface Exports {
  allowRequest(
    redis: unknown,
    userId: string,
    limit: number,
    windowSeconds: number,
  ): Promise<boolean>;
}

const SECOND = 1000;

export default defineChecks<Exports>({
  exports: ['allowRequest'],
  checks: [
    {
      name: 'allows the first `limit` requests in a window and denies the next one',
      async run({ learner, client, expect }) {
        const answers: boolean[] = [];
        for (let i = 0; i < 4; i++) answers.push(await learner.allowRequest(client, 'ada', 3, 60));
        expect(answers, 'answers to 4 requests with limit 3').to.deep.equal([
          true,
          true,
          true,
          false,
        ]);
      },
    },
    {
      name: 'keeps denying for the rest of the window, then allows again once the window has passed',
      async run({ learner, client, clock, expect }) {
        for (let i = 0; i < 3; i++) await learner.allowRequest(client, 'ada', 3, 60);
        await clock.advance(59 * SECOND);
        expect(
          await learner.allowRequest(client, 'ada', 3, 60),
          'a request 59 s into the window',
        ).to.equal(false);
        await clock.advance(2 * SECOND);
        expect(
          await learner.allowRequest(client, 'ada', 3, 60),
          'a request 61 s after the first',
        ).to.equal(true);
        expect(
          await learner.allowRequest(client, 'ada', 3, 60),
          'a second request in the new window',
        ).to.equal(true);
      },
    },
    {
      name: 'counts in "ratelimit:<userId>", which expires windowSeconds after the first request',
      async run({ learner, client, redis, expect }) {
        await learner.allowRequest(client, 'ada', 5, 90);
        expect(await redis.get('ratelimit:ada'), 'value of "ratelimit:ada"').to.equal('1');
        expect(
          await redis.ttl('ratelimit:ada'),
          'TTL of "ratelimit:ada" in seconds (-1: no expiry, -2: no key)',
        ).to.be.within(89, 90);
      },
    },
    {
      name: 'later requests do not push the end of the window back, even when they are allowed',
      async run({ learner, client, redis, clock, expect }) {
        // Allowed requests spread over the window: an expiry re-set by any of them would move
        // the end of the window to 40 + 60 s, and the request at 61 s would still be denied.
        expect(await learner.allowRequest(client, 'ada', 3, 60), 'request 1 at 0 s').to.equal(true);
        await clock.advance(20 * SECOND);
        expect(await learner.allowRequest(client, 'ada', 3, 60), 'request 2 at 20 s').to.equal(
          true,
        );
        await clock.advance(20 * SECOND);
        expect(await learner.allowRequest(client, 'ada', 3, 60), 'request 3 at 40 s').to.equal(
          true,
        );
        await clock.advance(10 * SECOND);
        expect(await learner.allowRequest(client, 'ada', 3, 60), 'request 4 at 50 s').to.equal(
          false,
        );
        expect(
          await redis.ttl('ratelimit:ada'),
          'TTL of "ratelimit:ada" 50 s into the window (-1: no expiry)',
        ).to.be.within(9, 10);
        await clock.advance(11 * SECOND);
        expect(
          await learner.allowRequest(client, 'ada', 3, 60),
          'a request 61 s after the first',
        ).to.equal(true);
      },
    },
    {
      name: 'each user has their own window: one user hitting the limit does not slow another down',
      async run({ learner, client, expect }) {
        for (let i = 0; i < 3; i++) await learner.allowRequest(client, 'ada', 2, 60);
        expect(await learner.allowRequest(client, 'bob', 2, 60), "bob's first request").to.equal(
          true,
        );
        expect(await learner.allowRequest(client, 'bob', 2, 60), "bob's second request").to.equal(
          true,
        );
      },
    },
    {
      name: '10 requests arriving at once on two app servers with limit 4: exactly 4 are allowed (no read-then-write race)',
      async run({ learner, newServer, client, expect }) {
        // Half the requests reach a second app server: the same code, sharing only Redis.
        const servers = [learner, newServer()];
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => servers[i % 2].allowRequest(client, 'ada', 4, 60)),
        );
        expect(answers.filter((ok) => ok).length, 'requests allowed').to.equal(4);
      },
    },
    {
      name: 'the counter always gets its expiry, even when the first requests of a window arrive together on several app servers',
      async run({ learner, newServer, client, redis, clock, expect }) {
        const servers = [learner, newServer(), newServer()];
        const answers = await Promise.all(
          Array.from({ length: 5 }, (_, i) => servers[i % 3].allowRequest(client, 'bob', 2, 30)),
        );
        expect(answers.filter((ok) => ok).length, 'requests allowed').to.equal(2);
        expect(
          await redis.ttl('ratelimit:bob'),
          'TTL of "ratelimit:bob" (-1: no expiry, so bob would be locked out for good)',
        ).to.be.within(29, 30);
        await clock.advance(31 * SECOND);
        expect(
          await learner.allowRequest(client, 'bob', 2, 30),
          'a request after the window has passed',
        ).to.equal(true);
      },
    },
  ],
});
