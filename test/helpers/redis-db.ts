/**
 * Gives each test file its own Redis database, so files running in parallel never see each
 * other's keys. Call once per file, in `beforeAll`, and `cleanup()` in `afterAll`.
 */
import { Redis } from 'ioredis';

/** The Redis the tests use: $REDIS_URL, else the local default. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A Redis database owned by one test file. */
export interface RedisDb {
  /** $REDIS_URL with the database index as its path, e.g. redis://127.0.0.1:6379/2. */
  url: string;
  /** Database index, 1..15 (0 is left to people and the demo). */
  db: number;
  /** A client already SELECTed into `db`. */
  redis: Redis;
  /** Empties the database and closes `redis`. */
  cleanup(): Promise<void>;
}

// Redis's default `databases 16`; db 0 stays free for humans running the demo alongside.
const FIRST_TEST_DB = 1;
const LAST_TEST_DB = 15;

let active = false;

export async function useRedisDb(): Promise<RedisDb> {
  if (active) {
    // A second call would FLUSHDB the same database under the first caller's feet.
    throw new Error('useRedisDb() is already in use in this test file; share the first result');
  }
  const db = pickDb();
  const url = withDbPath(testRedisUrl(), db);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot prepare Redis database ${db} at ${testRedisUrl()}`, { cause: err });
  }
  active = true;

  let cleaned = false;
  return {
    url,
    db,
    redis,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      try {
        await redis.flushdb();
      } finally {
        await redis.quit();
        active = false;
      }
    },
  };
}

/**
 * VITEST_POOL_ID (vitest 4, every pool) is 1..maxWorkers and names the worker slot; a slot runs
 * one file at a time, so no two files running together share it. VITEST_WORKER_ID (0-based,
 * unique per worker, ever growing) is only a fallback. Either wraps into 1..15.
 */
function pickDb(): number {
  const span = LAST_TEST_DB - FIRST_TEST_DB + 1;
  const slot = workerSlot();
  return FIRST_TEST_DB + (slot % span);
}

/** 0-based slot of this test worker: VITEST_POOL_ID - 1, else VITEST_WORKER_ID, else 0. */
function workerSlot(): number {
  const poolId = process.env.VITEST_POOL_ID;
  if (poolId !== undefined) return nonNegative('VITEST_POOL_ID', poolId, 1);
  const workerId = process.env.VITEST_WORKER_ID;
  if (workerId !== undefined) return nonNegative('VITEST_WORKER_ID', workerId, 0);
  return 0;
}

function nonNegative(name: string, raw: string, base: number): number {
  const id = Number.parseInt(raw, 10);
  if (!Number.isInteger(id) || id < base) {
    throw new Error(`cannot pick a Redis database from ${name}=${JSON.stringify(raw)}`);
  }
  return id - base;
}

function withDbPath(base: string, db: number): string {
  const url = new URL(base);
  url.pathname = `/${db}`;
  return url.toString();
}
