/**
 * Locks down the runner worker's realm. Imported first by worker.ts: ES modules evaluate in
 * import order, so the shim and ioredis-mock load (they must, before lockdown) and `lockdown()`
 * runs here, before any runner module that hardens its classes at load time is evaluated.
 */
import './ioredis-mock-shim.ts';
import RedisMock from 'ioredis-mock';
import { hardenRealm } from '../harden.ts';

hardenRealm();

/** ioredis-mock's browser build, loaded before lockdown. */
export { RedisMock };
