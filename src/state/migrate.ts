import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { StateUnavailable, describeError } from '../errors.js';

/** Numbered migrations: `migrations/NNN-name.sql` at the package root. */
export function migrationsDir(): string {
  // Walk up from this file (src/state or dist/src/state) to the folder holding migrations/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new StateUnavailable('migrations folder not found next to package.json');
}

/**
 * Create or upgrade the state schema. Every pending migration runs in one transaction under a
 * transaction-level advisory lock, so several processes starting at once apply each file once
 * and the losers wait, then see nothing left to do.
 */
export async function migrate(pool: pg.Pool, schema: string): Promise<string[]> {
  const files = (await readdir(migrationsDir())).filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f)).sort();
  const client = await pool.connect().catch((err: unknown) => {
    throw new StateUnavailable(`state database: ${describeError(err)}`, { cause: err });
  });
  // See withTransaction: a checked-out client needs its own 'error' listener; the query reports the failure.
  const onError = () => undefined;
  client.on('error', onError);
  const applied: string[] = [];
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`tenantwatch:migrate:${schema}`]);
    await client.query(`create schema if not exists ${schema}`);
    await client.query(`set local search_path to ${schema}`);
    await client.query('create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())');
    const done = new Set((await client.query<{ version: string }>('select version from schema_migrations')).rows.map((r) => r.version));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(join(migrationsDir(), file), 'utf8');
      try {
        await client.query(sql);
      } catch (err) {
        throw new StateUnavailable(`migration ${file} failed: ${describeError(err)}`, { cause: err });
      }
      await client.query('insert into schema_migrations (version) values ($1)', [file]);
      applied.push(file);
    }
    await client.query('commit');
    return applied;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    if (err instanceof StateUnavailable) throw err;
    throw new StateUnavailable(`state migration: ${describeError(err)}`, { cause: err });
  } finally {
    client.off('error', onError);
    client.release();
  }
}
