/**
 * The families and commands added for "every data command of Redis 7.0" (issue 13): one list, so
 * engine.ts registers them with a single line.
 */
import { bitmaps } from './bitmaps.ts';
import { blocking } from './blocking.ts';
import { dumpRestore } from './dump-restore.ts';
import { geo } from './geo.ts';
import { hyperloglog } from './hyperloglog.ts';
import { lcsCommand } from './lcs.ts';
import { objectCommand } from './object.ts';
import { pubsubFamily } from './pubsub.ts';
import { sortCommands } from './sort.ts';
import { streams } from './streams.ts';
import { zsetAlgebra } from './zset-algebra.ts';
import type { FamilyModule } from './types.ts';

/** Family modules beyond the original ten, registered by the engine after them. */
export const MORE_FAMILIES: FamilyModule[] = [
  objectCommand,
  zsetAlgebra,
  bitmaps,
  lcsCommand,
  sortCommands,
  geo,
  hyperloglog,
  streams,
  pubsubFamily,
  blocking,
  dumpRestore,
];
