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
/** Commands that set or move a key's expiry. */
const EXPIRY_COMMANDS = new Set(['expire', 'pexpire', 'expireat', 'pexpireat']);

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
      name: 'later requests do not push the end of the window back',
      async run({ learner, client, redis, clock, expect }) {
        for (let i = 0; i < 3; i++) await learner.allowRequest(client, 'ada', 3, 60);
        await clock.advance(30 * SECOND);
        expect(await learner.allowRequest(client, 'ada', 3, 60), 'a 4th request 30 s in').to.equal(
          false,
        );
        expect(
          await redis.ttl('ratelimit:ada'),
          'TTL of "ratelimit:ada" 30 s in (-1: no expiry)',
        ).to.be.within(29, 30);
        await clock.advance(31 * SECOND);
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
      name: '10 requests arriving at once with limit 4: exactly 4 are allowed (no read-then-write race)',
      async run({ learner, client, expect }) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => learner.allowRequest(client, 'ada', 4, 60)),
        );
        expect(answers.filter((ok) => ok).length, 'requests allowed').to.equal(4);
      },
    },
    {
      name: 'opens a window with INCR before setting its expiry (EXPIRE on a missing key does nothing)',
      async run({ learner, client, log, expect }) {
        await learner.allowRequest(client, 'ada', 3, 60);
        const names = log.names();
        const firstCount = names.findIndex(
          (name) => name === 'incr' || name === 'incrby' || name === 'set',
        );
        const firstExpiry = names.findIndex((name) => EXPIRY_COMMANDS.has(name));
        expect(firstCount, `commands sent: ${names.join(', ')}`).to.be.at.least(0);
        if (firstExpiry >= 0) {
          expect(
            firstExpiry,
            `position of the first expiry command in: ${names.join(', ')}`,
          ).to.be.greaterThan(firstCount);
        }
      },
    },
  ],
});
