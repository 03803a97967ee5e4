import type pg from 'pg';
import { StateUnavailable, describeError } from '../src/errors.js';

/** A held sweep lock: release it when the sweep stops. */
export interface SweepLock {
  release(): Promise<void>;
}

/**
 * At most one sweep at a time across every process: a session-level Postgres advisory lock on
 * a dedicated connection. If the holder dies (even kill -9), Postgres drops its connection and
 * the lock with it, so a resumed sweep never waits for a lease to time out.
 */
export async function tryLockSweep(pool: pg.Pool, schema: string): Promise<SweepLock | undefined> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new StateUnavailable(`state database: ${describeError(err)}`, { cause: err });
  }
  try {
    const res = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [`tenantwatch:sweep:${schema}`]);
    if (!res.rows[0]!.ok) {
      client.release();
      return undefined;
    }
  } catch (err) {
    client.release(true);
    throw new StateUnavailable(`state database: ${describeError(err)}`, { cause: err });
  }
  return {
    async release() {
      // Destroying the connection releases the lock even if the unlock query cannot run.
      await client.query('select pg_advisory_unlock_all()').catch(() => undefined);
      client.release(true);
    },
  };
}
