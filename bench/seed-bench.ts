import type { Redis } from 'ioredis';
import type pg from 'pg';

export const BENCH_TENANTS = 200;

/** `tenant-007`: the benchmark's tenant ids. */
export const tenantId = (t: number) => `tenant-${String(t).padStart(3, '0')}`;

/** Every benchmark tenant's id, in order. */
export const BENCH_TENANT_IDS: readonly string[] = Array.from({ length: BENCH_TENANTS }, (_, t) => tenantId(t));

/**
 * As in the incident: the projects table is keyed by (tenant_id, id) and every tenant has
 * projects 1…N/200, so each id is owned by 200 tenants. Cache keys are `project:{tenant}:{id}`
 * with ~400-byte JSON payloads carrying tenant_id.
 */
export async function seedBench(redis: Redis, pool: pg.Pool, keys: number, onProgress?: (n: number) => void): Promise<void> {
  const perTenant = Math.ceil(keys / BENCH_TENANTS);
  await pool.query('DROP SCHEMA IF EXISTS bench CASCADE');
  await pool.query('CREATE SCHEMA bench');
  await pool.query('CREATE TABLE bench.projects (tenant_id text NOT NULL, id integer NOT NULL, name text NOT NULL, PRIMARY KEY (tenant_id, id))');
  await pool.query(
    `INSERT INTO bench.projects SELECT 'tenant-' || lpad(t::text, 3, '0'), i, 'project ' || i FROM generate_series(0, $1::int - 1) t, generate_series(1, $2::int) i`,
    [BENCH_TENANTS, perTenant],
  );
  await pool.query('ANALYZE bench.projects');
  await redis.flushdb();
  const filler = 'x'.repeat(300);
  let written = 0;
  for (let t = 0; t < BENCH_TENANTS && written < keys; t++) {
    const tenant = tenantId(t);
    for (let i = 1; i <= perTenant && written < keys; i += 1000) {
      const args: string[] = [];
      for (let id = i; id < i + 1000 && id <= perTenant && written < keys; id++, written++) {
        args.push(`project:${tenant}:${id}`, JSON.stringify({ id, tenant_id: tenant, name: `project ${id}`, owner: 'someone@example.com', notes: filler }));
      }
      await redis.mset(...args);
      onProgress?.(written);
    }
  }
}
