/**
 * A tiny built-in exercise that a fresh worker runs once before it reports ready, so that the
 * first real run finds sucrase, SES, ioredis-mock and chai already compiled by the JIT.
 */
import { defineChecks } from './checks-api.ts';

/** Learner-style source for the warm-up: TypeScript, an ioredis import, a few commands. */
export const WARMUP_SOURCE = `import type { Redis } from 'ioredis';
interface Item { id: number; name: string }
export async function roundTrip(redis: Redis, item: Item): Promise<Item | null> {
  await redis.set(\`item:\${item.id}\`, JSON.stringify(item), 'EX', 60);
  await redis.multi().incr('count').expire('count', 60).exec();
  const raw = await redis.get(\`item:\${item.id}\`);
  console.log('saved', item);
  return raw === null ? null : (JSON.parse(raw) as Item);
}
`;

/** The warm-up's checks. */
export const warmupSuite = defineChecks<{
  roundTrip(redis: unknown, item: { id: number; name: string }): Promise<unknown>;
}>({
  exports: ['roundTrip'],
  checks: [
    {
      name: 'roundTrip gives back what it stored',
      async run({ learner, client, redis, log, clock, expect }) {
        const item = { id: 1, name: 'warm' };
        expect(await learner.roundTrip(client, item)).to.deep.equal(item);
        expect(await redis.ttl('item:1')).to.be.within(59, 60);
        expect(log.names()).to.include('get');
        await clock.advance(0);
      },
    },
  ],
});
