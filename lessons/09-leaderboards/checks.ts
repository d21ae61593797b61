import type { Redis } from 'ioredis';
import { defineChecks } from 'cachelab/checks';

interface Standing {
  player: string;
  points: number;
}

interface Lap {
  player: string;
  ms: number;
}

interface Exports {
  addPoints(redis: unknown, player: string, points: number): Promise<number>;
  topPlayers(redis: unknown, n: number): Promise<Standing[]>;
  rankOf(redis: unknown, player: string): Promise<number | null>;
  recordLap(redis: unknown, player: string, ms: number): Promise<boolean>;
  fastestLaps(redis: unknown, n: number): Promise<Lap[]>;
}

/** 300 players with distinct points: player p000 has 5000, p001 has 4983, ... */
async function seedPoints(redis: Redis): Promise<Standing[]> {
  const rows = Array.from({ length: 300 }, (_, i) => ({
    player: `p${String(i).padStart(3, '0')}`,
    points: 5000 - i * 17,
  }));
  const batch = redis.pipeline();
  // Added in a scrambled order, so insertion order says nothing about rank.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[(i * 7) % rows.length];
    batch.zadd('leaderboard:points', row.points, row.player);
  }
  await batch.exec();
  return rows;
}

export default defineChecks<Exports>({
  exports: ['addPoints', 'topPlayers', 'rankOf', 'recordLap', 'fastestLaps'],
  checks: [
    {
      name: 'addPoints adds to the player\'s total in the sorted set "leaderboard:points" and returns the new total as a number',
      async run({ learner, client, redis, expect }) {
        expect(await learner.addPoints(client, 'ada', 30), 'addPoints("ada", 30)').to.equal(30);
        expect(await learner.addPoints(client, 'ada', 12), 'addPoints("ada", 12)').to.equal(42);
        expect(await learner.addPoints(client, 'bob', 7), 'addPoints("bob", 7)').to.equal(7);
        expect(await redis.type('leaderboard:points'), 'type of "leaderboard:points"').to.equal(
          'zset',
        );
        expect(await redis.zscore('leaderboard:points', 'ada'), 'ZSCORE of ada').to.equal('42');
      },
    },
    {
      name: '20 games finishing at once on two app servers: every point is counted',
      async run({ learner, newServer, client, redis, expect }) {
        await redis.zadd('leaderboard:points', 100, 'ada');
        const servers = [learner, newServer()];
        await Promise.all(
          Array.from({ length: 20 }, (_, i) => servers[i % 2].addPoints(client, 'ada', 5)),
        );
        expect(await redis.zscore('leaderboard:points', 'ada'), 'ZSCORE of ada').to.equal('200');
      },
    },
    {
      name: 'topPlayers(n) returns the n players with the most points, most first, with their points as numbers',
      async run({ learner, client, redis, expect }) {
        const rows = await seedPoints(redis);
        expect(await learner.topPlayers(client, 3), 'topPlayers(3)').to.deep.equal(
          rows.slice(0, 3),
        );
        expect(await learner.topPlayers(client, 25), 'topPlayers(25)').to.deep.equal(
          rows.slice(0, 25),
        );
      },
    },
    {
      name: 'topPlayers returns everyone when there are fewer than n players, and [] when there are none',
      async run({ learner, client, redis, expect }) {
        expect(await learner.topPlayers(client, 5), 'topPlayers(5) with no players').to.deep.equal(
          [],
        );
        await redis.zadd('leaderboard:points', 10, 'bob', 30, 'ada');
        expect(await learner.topPlayers(client, 5), 'topPlayers(5) with two players').to.deep.equal(
          [
            { player: 'ada', points: 30 },
            { player: 'bob', points: 10 },
          ],
        );
      },
    },
    {
      name: 'rankOf gives the place on the table counting from 1 for the most points, and null for a player with none',
      async run({ learner, client, redis, expect }) {
        const rows = await seedPoints(redis);
        expect(
          await learner.rankOf(client, rows[0].player),
          `rankOf("${rows[0].player}")`,
        ).to.equal(1);
        expect(
          await learner.rankOf(client, rows[41].player),
          `rankOf("${rows[41].player}")`,
        ).to.equal(42);
        expect(
          await learner.rankOf(client, rows[299].player),
          `rankOf("${rows[299].player}")`,
        ).to.equal(300);
        expect(await learner.rankOf(client, 'nobody'), 'rankOf("nobody")').to.equal(null);
      },
    },
    {
      name: 'recordLap keeps each player\'s fastest lap in "laps:best", and says true only for a new personal best',
      async run({ learner, client, redis, expect }) {
        expect(await learner.recordLap(client, 'ada', 61_250), 'first lap, 61250 ms').to.equal(
          true,
        );
        expect(await learner.recordLap(client, 'ada', 63_000), 'a slower lap, 63000 ms').to.equal(
          false,
        );
        expect(await redis.zscore('laps:best', 'ada'), 'best lap after a slower one').to.equal(
          '61250',
        );
        expect(await learner.recordLap(client, 'ada', 59_800), 'a faster lap, 59800 ms').to.equal(
          true,
        );
        expect(await learner.recordLap(client, 'ada', 59_800), 'the same time again').to.equal(
          false,
        );
        expect(await redis.zscore('laps:best', 'ada'), 'best lap at the end').to.equal('59800');
      },
    },
    {
      name: 'two laps recorded at once on two app servers: the faster one is kept',
      async run({ learner, newServer, client, redis, expect }) {
        await redis.zadd('laps:best', 70_000, 'ada');
        const other = newServer();
        await Promise.all([
          learner.recordLap(client, 'ada', 64_000),
          other.recordLap(client, 'ada', 66_000),
        ]);
        expect(await redis.zscore('laps:best', 'ada'), 'best lap of ada').to.equal('64000');
      },
    },
    {
      name: 'fastestLaps(n) returns the n fastest personal bests, fastest first, with times as numbers',
      async run({ learner, client, redis, expect }) {
        await redis.zadd('laps:best', 61_250, 'ada', 59_800, 'bob', 75_000, 'cy', 60_100, 'dee');
        expect(await learner.fastestLaps(client, 3), 'fastestLaps(3)').to.deep.equal([
          { player: 'bob', ms: 59_800 },
          { player: 'dee', ms: 60_100 },
          { player: 'ada', ms: 61_250 },
        ]);
        expect(await learner.fastestLaps(client, 0), 'fastestLaps(0)').to.deep.equal([]);
      },
    },
  ],
});
