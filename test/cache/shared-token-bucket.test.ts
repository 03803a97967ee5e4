import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedTokenBucket } from '../../src/cache/shared-token-bucket.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';

let db: RedisDb;
beforeAll(async () => {
  db = await useRedisDb();
});
afterAll(async () => {
  await db?.cleanup();
});

describe('SharedTokenBucket', () => {
  it('lets a full bucket through, then makes the next reader wait off its share', async () => {
    const bucket = new SharedTokenBucket(db.redis, 'tenantwatch:rate:a', 1000);
    expect(await bucket.reserve(1000)).toBe(0);
    const wait = await bucket.reserve(500);
    // 500 tokens at 1000/s: about half a second, less the few ms since the first take.
    expect(wait).toBeGreaterThan(400);
    expect(wait).toBeLessThanOrEqual(500);
  });

  it('bounds the reads of several processes together, not each one', async () => {
    const a = new SharedTokenBucket(db.redis, 'tenantwatch:rate:b', 1000);
    const otherProcess = db.redis.duplicate();
    const b = new SharedTokenBucket(otherProcess, 'tenantwatch:rate:b', 1000);
    try {
      expect(await a.reserve(1000)).toBe(0);
      expect(await b.reserve(1000)).toBeGreaterThan(900);
    } finally {
      await otherProcess.quit();
    }
  });

  it('lets a priority read past a sweep\'s borrowed batches, and makes the sweep wait its share off', async () => {
    const bucket = new SharedTokenBucket(db.redis, 'tenantwatch:rate:d', 100);
    expect(await bucket.reserve(100)).toBe(0);
    // The sweep borrows a batch ahead: 2 s of debt at 100 keys/s.
    const sweepWait = await bucket.reserve(200);
    expect(sweepWait).toBeGreaterThan(1900);
    // A real-time read does not queue behind it...
    expect(await bucket.reserve(5, true)).toBe(0);
    // ...but its keys count: the sweep's next batch waits them off too.
    expect(await bucket.reserve(100)).toBeGreaterThan(sweepWait + 1000 + 40);
  });

  it('keeps priority reads alone within the rate', async () => {
    const bucket = new SharedTokenBucket(db.redis, 'tenantwatch:rate:e', 100);
    expect(await bucket.reserve(100, true)).toBe(0);
    const wait = await bucket.reserve(50, true);
    expect(wait).toBeGreaterThan(400);
    expect(wait).toBeLessThanOrEqual(500);
  });

  it('never waits when the rate is unlimited (0)', async () => {
    const bucket = new SharedTokenBucket(db.redis, 'tenantwatch:rate:c', 0);
    expect(await bucket.reserve(1_000_000)).toBe(0);
    expect(await db.redis.exists('tenantwatch:rate:c')).toBe(0);
  });
});
