import { describe, expect, it, vi } from 'vitest';
import { lazyService } from '../../src/components/workspace/lazy-service.ts';

describe(lazyService, () => {
  it('loads nothing until first asked, then loads once for every caller', async () => {
    const load = vi.fn(async () => ({ id: 1 }));
    const get = lazyService(load);
    expect(load).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    await get();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('tries again after a chunk failed to load, so a Retry can recover', async () => {
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('chunk failed'))
      .mockResolvedValue('client');
    const get = lazyService(load);
    await expect(get()).rejects.toThrow('chunk failed');
    await expect(get()).resolves.toBe('client');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
