import { defineChecks } from 'cachelab/checks';

interface Exports {
  issueCode(redis: unknown, userId: string, code: string, ttlSeconds: number): Promise<void>;
  codeTtl(redis: unknown, userId: string): Promise<number | null>;
  redeemCode(redis: unknown, userId: string, code: string): Promise<boolean>;
}

const SECOND = 1000;

/** Asserts a number of seconds in [low, high], saying "expected null to be a number" for a null. */
function expectSeconds(
  expect: (value: unknown, label: string) => Chai.Assertion,
  value: unknown,
  label: string,
  low: number,
  high: number,
): void {
  expect(value, label).to.be.a('number');
  expect(value, label).to.be.within(low, high);
}

export default defineChecks<Exports>({
  exports: ['issueCode', 'codeTtl', 'redeemCode'],
  checks: [
    {
      name: 'issueCode stores the code under "otp:<userId>" with a TTL of ttlSeconds',
      async run({ learner, client, redis, expect }) {
        await learner.issueCode(client, 'ada', '493027', 300);
        expect(await redis.get('otp:ada'), 'value of "otp:ada"').to.equal('493027');
        expect(
          await redis.ttl('otp:ada'),
          'TTL of "otp:ada" in seconds (-1: no expiry, -2: no key)',
        ).to.be.within(299, 300);
      },
    },
    {
      name: 'codeTtl reports the seconds left, counting down as time passes',
      async run({ learner, client, clock, expect }) {
        await learner.issueCode(client, 'ada', '493027', 300);
        expectSeconds(
          expect,
          await learner.codeTtl(client, 'ada'),
          'codeTtl right after issuing',
          299,
          300,
        );
        await clock.advance(120 * SECOND);
        expectSeconds(
          expect,
          await learner.codeTtl(client, 'ada'),
          'codeTtl two minutes later',
          179,
          180,
        );
      },
    },
    {
      name: 'codeTtl returns null when the user has no code',
      async run({ learner, client, expect }) {
        expect(await learner.codeTtl(client, 'nobody'), 'codeTtl("nobody")').to.equal(null);
      },
    },
    {
      name: 'the right code works exactly once',
      async run({ learner, client, expect }) {
        await learner.issueCode(client, 'ada', '493027', 300);
        expect(await learner.redeemCode(client, 'ada', '493027'), 'first redeemCode').to.equal(
          true,
        );
        expect(await learner.redeemCode(client, 'ada', '493027'), 'second redeemCode').to.equal(
          false,
        );
        expect(await learner.codeTtl(client, 'ada'), 'codeTtl after redeeming').to.equal(null);
      },
    },
    {
      name: 'a wrong guess returns false and uses the code up, so guessing again is pointless',
      async run({ learner, client, expect }) {
        await learner.issueCode(client, 'ada', '493027', 300);
        expect(
          await learner.redeemCode(client, 'ada', '000000'),
          'redeemCode with a wrong code',
        ).to.equal(false);
        expect(
          await learner.redeemCode(client, 'ada', '493027'),
          'redeemCode with the right code after a wrong guess',
        ).to.equal(false);
      },
    },
    {
      name: 'codes are compared as text: "012345" is not redeemed by "12345" or "12345.0"',
      async run({ learner, client, expect }) {
        await learner.issueCode(client, 'ada', '012345', 300);
        expect(
          await learner.redeemCode(client, 'ada', '12345'),
          'redeemCode("12345") for the code "012345"',
        ).to.equal(false);
        await learner.issueCode(client, 'bob', '007007', 300);
        expect(
          await learner.redeemCode(client, 'bob', '7007.0'),
          'redeemCode("7007.0") for the code "007007"',
        ).to.equal(false);
        await learner.issueCode(client, 'cy', '000042', 300);
        expect(
          await learner.redeemCode(client, 'cy', '000042'),
          'redeemCode("000042") for the code "000042"',
        ).to.equal(true);
      },
    },
    {
      name: 'a code works until its TTL runs out and not a moment after',
      async run({ learner, client, clock, expect }) {
        await learner.issueCode(client, 'ada', '111111', 60);
        await learner.issueCode(client, 'bob', '222222', 60);
        await clock.advance(58 * SECOND);
        expect(
          await learner.redeemCode(client, 'ada', '111111'),
          'redeemCode after 58 s of 60',
        ).to.equal(true);
        await clock.advance(3 * SECOND);
        expect(
          await learner.redeemCode(client, 'bob', '222222'),
          'redeemCode after 61 s of 60',
        ).to.equal(false);
        expect(await learner.codeTtl(client, 'bob'), 'codeTtl after 61 s of 60').to.equal(null);
      },
    },
    {
      name: 'issuing a new code replaces the old one and restarts the countdown',
      async run({ learner, client, clock, expect }) {
        await learner.issueCode(client, 'ada', '111111', 60);
        await clock.advance(50 * SECOND);
        await learner.issueCode(client, 'ada', '222222', 60);
        await clock.advance(30 * SECOND);
        expectSeconds(
          expect,
          await learner.codeTtl(client, 'ada'),
          'codeTtl 30 s after the second code',
          29,
          30,
        );
        expect(
          await learner.redeemCode(client, 'ada', '222222'),
          'redeemCode with the new code',
        ).to.equal(true);
      },
    },
    {
      name: "each user has their own code: one user's code does not work for another",
      async run({ learner, client, expect }) {
        await learner.issueCode(client, 'ada', '111111', 300);
        await learner.issueCode(client, 'bob', '222222', 300);
        expect(
          await learner.redeemCode(client, 'bob', '111111'),
          "bob redeeming ada's code",
        ).to.equal(false);
        expect(
          await learner.redeemCode(client, 'ada', '111111'),
          'ada redeeming her code',
        ).to.equal(true);
      },
    },
    {
      name: 'two attempts racing with the right code, on two app servers: exactly one succeeds (read and delete in one step)',
      async run({ learner, newServer, client, expect }) {
        await learner.issueCode(client, 'ada', '493027', 300);
        // A second app server: the same code in another process, sharing only Redis.
        const other = newServer();
        const results = await Promise.all([
          learner.redeemCode(client, 'ada', '493027'),
          other.redeemCode(client, 'ada', '493027'),
        ]);
        expect(
          results.filter((ok) => ok).length,
          `successful attempts (results: ${results})`,
        ).to.equal(1);
      },
    },
  ],
});
