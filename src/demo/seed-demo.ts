import type { Redis } from 'ioredis';
import type pg from 'pg';
import { quoteQualified } from '../source/quote-ident.js';
import { DEMO_PROJECT_IDS, DEMO_TENANTS, demoKeys } from './demo-data.js';

/** Marks the tables the demo created, so it never drops anything else. */
const DEMO_MARK = 'tenantwatch demo table';

/**
 * Write the demo app's tables and cache entries. This is the demo application's side, so it
 * writes; tenantwatch itself never writes to the cache or the source.
 */
export async function seedDemo(redis: Redis, pool: pg.Pool, tables: { projects: string; tenants: string }): Promise<{ keys: number; projects: number }> {
  const schemas = new Set([tables.projects, tables.tenants].filter((t) => t.includes('.')).map((t) => t.split('.')[0]!));
  const projects = quoteQualified(tables.projects);
  const tenants = quoteQualified(tables.tenants);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const s of schemas) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteQualified(s)}`);
    // Only ever drop tables the demo created: someone may run it with their real config.
    for (const table of [tables.projects, tables.tenants]) {
      const { rows } = await client.query<{ exists: boolean; note: string | null }>(
        'SELECT to_regclass($1) IS NOT NULL AS exists, obj_description(to_regclass($1), \'pg_class\') AS note',
        [quoteQualified(table)],
      );
      if (rows[0]?.exists && rows[0].note !== DEMO_MARK) {
        throw new Error(`table ${table} exists and was not created by the demo; refusing to replace it (point the demo config at other tables)`);
      }
    }
    await client.query(`DROP TABLE IF EXISTS ${projects}, ${tenants}`);
    await client.query(`CREATE TABLE ${tenants} (id text PRIMARY KEY, name text NOT NULL)`);
    await client.query(`CREATE TABLE ${projects} (tenant_id text NOT NULL REFERENCES ${tenants}(id), id integer NOT NULL, name text NOT NULL, PRIMARY KEY (tenant_id, id))`);
    await client.query(`COMMENT ON TABLE ${tenants} IS '${DEMO_MARK}'`);
    await client.query(`COMMENT ON TABLE ${projects} IS '${DEMO_MARK}'`);
    await client.query(`INSERT INTO ${tenants} (id, name) SELECT t, initcap(t) FROM unnest($1::text[]) t`, [[...DEMO_TENANTS]]);
    await client.query(
      `INSERT INTO ${projects} (tenant_id, id, name) SELECT t, i, t || ' project ' || i FROM unnest($1::text[]) t, generate_series($2::int, $3::int) i`,
      [[...DEMO_TENANTS], DEMO_PROJECT_IDS.from, DEMO_PROJECT_IDS.to],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new Error(`seeding the demo tables failed: ${(err as Error).message}`, { cause: err });
  } finally {
    client.release();
  }
  const keys = demoKeys();
  const pipeline = redis.pipeline();
  for (const k of keys) {
    pipeline.del(k.key);
    if (k.hash) pipeline.hset(k.key, k.hash);
    else if (k.ttlSeconds) pipeline.set(k.key, JSON.stringify(k.value), 'EX', k.ttlSeconds);
    else pipeline.set(k.key, JSON.stringify(k.value));
  }
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err);
  if (failed) throw new Error(`seeding the demo cache failed: ${failed[0]!.message}`);
  return { keys: new Set(keys.map((k) => k.key)).size, projects: DEMO_TENANTS.length * (DEMO_PROJECT_IDS.to - DEMO_PROJECT_IDS.from + 1) };
}
