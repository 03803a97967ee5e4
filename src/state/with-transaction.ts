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
  // The pool only listens for errors on idle clients: without this, a connection dropped mid
  // transaction (a Postgres restart) is an unhandled 'error' that kills the process. The
  // failing query rejects too, and that is what surfaces below.
  const onError = () => undefined;
  client.on('error', onError);
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
    client.off('error', onError);
    client.release();
  }
}
