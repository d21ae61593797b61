/**
 * Locks down a runner child's realm. Imported first by runner-child.ts: ES modules evaluate in
 * import order, so ioredis-mock loads (it must, before lockdown) and `lockdown()` runs here,
 * before any runner module that hardens its classes at load time is evaluated.
 */
import RedisMock from 'ioredis-mock';
import { hardenRealm } from '../runner/harden.ts';

hardenRealm();

/** ioredis-mock, loaded before lockdown. */
export { RedisMock };
