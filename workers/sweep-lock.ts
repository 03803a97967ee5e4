import type pg from 'pg';
import { StateUnavailable, describeError } from '../src/errors.js';

/** A held sweep lock: release it when the sweep stops. */
export interface SweepLock {
  /**
   * Throws once the lock's connection has dropped (a Postgres restart, a terminated backend):
   * Postgres released the lock with it, and another process may be resuming this sweep.
   */
  assertHeld(): void;
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
  // A checked-out pg client with no 'error' listener crashes the process when its connection
  // drops (a Postgres restart); the pool only listens on idle clients. Losing this connection
  // loses the lock: the sweep stops at its next step and its job is retried.
  let lost: unknown;
  const onError = (err: unknown) => {
    lost ??= err;
  };
  client.on('error', onError);
  try {
    const res = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [`tenantwatch:sweep:${schema}`]);
    if (!res.rows[0]!.ok) {
      client.off('error', onError);
      client.release();
      return undefined;
    }
  } catch (err) {
    client.off('error', onError);
    client.release(true);
    throw new StateUnavailable(`state database: ${describeError(err)}`, { cause: err });
  }
  return {
    assertHeld() {
      if (lost !== undefined) throw new StateUnavailable(`the sweep lock was lost with its Postgres connection: ${describeError(lost)}`, { cause: lost });
    },
    async release() {
      // Destroying the connection releases the lock even if the unlock query cannot run.
      await client.query('select pg_advisory_unlock_all()').catch(() => undefined);
      client.off('error', onError);
      client.release(true);
    },
  };
}
