import type { Redis } from 'ioredis';
import type pg from 'pg';

export const WATCH_TENANTS = 200;
const FILLER = 'x'.repeat(300);

export const watchTenant = (t: number) => `tenant-${String(t).padStart(3, '0')}`;

/** A ~400-byte JSON payload naming `tenant` (as the incident's project cache). */
export function projectPayload(id: number, tenant: string): string {
  return JSON.stringify({ id, tenant_id: tenant, name: `project ${id}`, owner: 'someone@example.com', notes: FILLER });
}

/**
 * The source: `{schema}.projects` keyed by (tenant_id, id), every tenant owning projects
 * 1…perTenant (so each id is owned by 200 tenants, as in the incident).
 */
export async function seedSource(pool: pg.Pool, schema: string, keys: number): Promise<void> {
  const perTenant = Math.ceil(keys / WATCH_TENANTS);
  await pool.query(`drop schema if exists ${schema} cascade`);
  await pool.query(`create schema ${schema}`);
  await pool.query(`create table ${schema}.projects (tenant_id text not null, id integer not null, name text not null, primary key (tenant_id, id))`);
  await pool.query(
    `insert into ${schema}.projects select 'tenant-' || lpad(t::text, 3, '0'), i, 'project ' || i from generate_series(0, $1::int - 1) t, generate_series(1, $2::int) i`,
    [WATCH_TENANTS, perTenant],
  );
  await pool.query(`analyze ${schema}.projects`);
}

/**
 * Fill the cache with `keys` keys `project:{tenant}:{id}`, pipelined MSETs of 1000 keys.
 * Every `poisonEvery`-th key (0: none) carries the next tenant's id: a cross-tenant payload.
 * Returns the poisoned keys.
 */
export async function seedCache(redis: Redis, keys: number, poisonEvery: number): Promise<string[]> {
  const perTenant = Math.ceil(keys / WATCH_TENANTS);
  await redis.flushdb();
  const poisoned: string[] = [];
  let n = 0;
  let pipe = redis.pipeline();
  let queued = 0;
  let args: string[] = [];
  for (let t = 0; t < WATCH_TENANTS && n < keys; t++) {
    for (let id = 1; id <= perTenant && n < keys; id++, n++) {
      const key = `project:${watchTenant(t)}:${id}`;
      const bad = poisonEvery > 0 && n % poisonEvery === poisonEvery - 1;
      if (bad) poisoned.push(key);
      args.push(key, projectPayload(id, watchTenant(bad ? (t + 1) % WATCH_TENANTS : t)));
      if (args.length === 2000) {
        pipe.mset(...args);
        args = [];
        if (++queued === 20) {
          await execChecked(pipe);
          pipe = redis.pipeline();
          queued = 0;
        }
      }
    }
  }
  if (args.length > 0) pipe.mset(...args);
  await execChecked(pipe);
  return poisoned;
}

async function execChecked(pipe: ReturnType<Redis['pipeline']>): Promise<void> {
  for (const [err] of (await pipe.exec()) ?? []) if (err) throw new Error(`seeding the cache: ${err.message}`, { cause: err });
}
