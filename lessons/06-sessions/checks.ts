import { defineChecks } from 'cachelab/checks';

type SessionData = Record<string, string>;

interface Exports {
  createSession(redis: unknown, sessionId: string, data: SessionData): Promise<void>;
  getSession(redis: unknown, sessionId: string): Promise<SessionData | null>;
  removeField(redis: unknown, sessionId: string, field: string): Promise<boolean>;
  logout(redis: unknown, sessionId: string): Promise<boolean>;
}

const SECOND = 1000;
const TTL = 1800;
const ada: SessionData = { userId: '42', name: 'Ada', theme: 'dark' };

export default defineChecks<Exports>({
  exports: ['createSession', 'getSession', 'removeField', 'logout'],
  checks: [
    {
      name: 'createSession stores the fields as a hash under "session:<id>"',
      async run({ learner, client, redis, expect }) {
        await learner.createSession(client, 's1', ada);
        expect(await redis.type('session:s1'), 'type of "session:s1"').to.equal('hash');
        expect(await redis.hgetall('session:s1'), 'HGETALL session:s1').to.deep.equal(ada);
      },
    },
    {
      name: 'createSession gives the session a TTL of 1800 seconds (30 minutes)',
      async run({ learner, client, redis, expect }) {
        await learner.createSession(client, 's1', ada);
        expect(
          await redis.ttl('session:s1'),
          'TTL of "session:s1" in seconds (-1: no expiry, -2: no key)',
        ).to.be.within(TTL - 1, TTL);
      },
    },
    {
      name: 'createSession replaces an earlier session with the same id, leaving none of its fields behind',
      async run({ learner, client, redis, expect }) {
        await learner.createSession(client, 's1', { userId: '7', cart: '3 items' });
        await learner.createSession(client, 's1', { userId: '8' });
        expect(await redis.hgetall('session:s1'), 'HGETALL session:s1').to.deep.equal({
          userId: '8',
        });
      },
    },
    {
      name: 'getSession returns every field of an existing session as an object',
      async run({ learner, client, redis, expect }) {
        await redis.hset('session:s2', ada);
        await redis.expire('session:s2', TTL);
        expect(await learner.getSession(client, 's2'), 'getSession("s2")').to.deep.equal(ada);
      },
    },
    {
      name: 'getSession returns null for a missing session, and does not create one',
      async run({ learner, client, redis, expect }) {
        expect(await learner.getSession(client, 'nope'), 'getSession("nope")').to.equal(null);
        expect(await redis.exists('session:nope'), 'EXISTS session:nope afterwards').to.equal(0);
      },
    },
    {
      name: 'reading a session restarts its 30-minute countdown (sliding expiry)',
      async run({ learner, client, redis, clock, expect }) {
        await learner.createSession(client, 's1', ada);
        await clock.advance(1500 * SECOND);
        expect(await learner.getSession(client, 's1'), 'getSession after 25 minutes').to.deep.equal(
          ada,
        );
        expect(await redis.ttl('session:s1'), 'TTL right after that read').to.be.within(
          TTL - 1,
          TTL,
        );
        await clock.advance(1500 * SECOND);
        expect(
          await learner.getSession(client, 's1'),
          'getSession 50 minutes after login, 25 after the last read',
        ).to.deep.equal(ada);
      },
    },
    {
      name: 'a session nobody reads expires after 30 minutes',
      async run({ learner, client, clock, expect }) {
        await learner.createSession(client, 's1', ada);
        await clock.advance((TTL - 2) * SECOND);
        expect(await learner.getSession(client, 's1'), 'getSession after 29:58').to.deep.equal(ada);
        await learner.createSession(client, 's2', ada);
        await clock.advance((TTL + 1) * SECOND);
        expect(await learner.getSession(client, 's2'), 'getSession 30:01 after login').to.equal(
          null,
        );
      },
    },
    {
      name: 'removeField deletes one field, keeps the others, and says whether the field was there',
      async run({ learner, client, redis, expect }) {
        await redis.hset('session:s1', ada);
        expect(
          await learner.removeField(client, 's1', 'theme'),
          'removeField("s1", "theme")',
        ).to.equal(true);
        expect(await redis.hgetall('session:s1'), 'HGETALL session:s1').to.deep.equal({
          userId: '42',
          name: 'Ada',
        });
        expect(await learner.removeField(client, 's1', 'theme'), 'removing "theme" again').to.equal(
          false,
        );
      },
    },
    {
      name: 'logout deletes the whole session and returns true, then false when there is nothing left',
      async run({ learner, client, redis, expect }) {
        await learner.createSession(client, 's1', ada);
        expect(await learner.logout(client, 's1'), 'logout("s1")').to.equal(true);
        expect(await redis.exists('session:s1'), 'EXISTS session:s1 after logout').to.equal(0);
        expect(await learner.getSession(client, 's1'), 'getSession after logout').to.equal(null);
        expect(await learner.logout(client, 's1'), 'logout("s1") a second time').to.equal(false);
      },
    },
  ],
});
