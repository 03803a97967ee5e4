import type pg from 'pg';
import { StateUnavailable, describeError } from '../errors.js';

/** Run `fn` in one transaction; any failure rolls back and surfaces as StateUnavailable. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new StateUnavailable(`state database: ${describeError(err)}`, { cause: err });
  }
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    if (err instanceof StateUnavailable) throw err;
    throw new StateUnavailable(`state database: ${describeError(err)}`, { cause: err });
  } finally {
    client.release();
  }
}
