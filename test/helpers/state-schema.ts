/**
 * Gives a test file its own tenantwatch state schema, migrated, with a pool whose unqualified
 * names land in it. Call in `beforeAll`, and `cleanup()` in `afterAll`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/state/migrate.js';
import { testDatabaseUrl } from './pg-schema.js';

export interface StateSchema {
  schema: string;
  pool: pg.Pool;
  cleanup(): Promise<void>;
}

export async function useStateSchema(): Promise<StateSchema> {
  const schema = `tw_state_${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  await migrate(pool, schema);
  return {
    schema,
    pool,
    async cleanup() {
      try {
        await pool.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}
