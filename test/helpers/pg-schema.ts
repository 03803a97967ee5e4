/**
 * Gives each test file its own Postgres schema, so files running in parallel never see each
 * other's tables. Call in `beforeAll`, and `cleanup()` in `afterAll`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The Postgres the tests use: $DATABASE_URL, else the local default (always naming the user). */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A Postgres schema owned by one test file. */
export interface PgSchema {
  /** $DATABASE_URL plus `options=-c search_path=<schema>`: unqualified names land in the schema. */
  url: string;
  /** The schema's name, tw_test_<16 hex>. */
  schema: string;
  /** A pool connected with `url`. */
  pool: pg.Pool;
  /** Drops the schema with everything in it and ends `pool`. */
  cleanup(): Promise<void>;
}

export async function usePgSchema(): Promise<PgSchema> {
  const schema = `tw_test_${randomBytes(8).toString('hex')}`;
  const url = withSearchPath(testDatabaseUrl(), schema);
  // Small: a test file rarely needs more, and parallel files share max_connections.
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle client losing its connection (e.g. Postgres restarted) must not crash the worker;
  // the next query reports it.
  pool.on('error', () => undefined);
  try {
    await pool.query(`create schema ${schema}`);
  } catch (err) {
    await pool.end();
    throw new Error(`cannot create schema ${schema} in ${testDatabaseUrl()}`, { cause: err });
  }

  let cleaned = false;
  return {
    url,
    schema,
    pool,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      try {
        await pool.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** libpq's `options` parameter, which node-postgres also honours, sets search_path per connection. */
function withSearchPath(base: string, schema: string): string {
  const url = new URL(base);
  const params = new URLSearchParams(url.search);
  params.set('options', `-c search_path=${schema}`);
  // URLSearchParams writes spaces as '+', which libpq (psql) would keep literally; %20 works for both.
  url.search = params.toString().replace(/\+/g, '%20');
  return url.toString();
}
