import type { Redis } from 'ioredis';
import type pg from 'pg';

/**
 * The minimal hand-written loop the scan is measured against: SCAN 1000, MGET, JSON.parse,
 * one unnest-join ownership query per batch. No guards, no decoding chain, no findings.
 */
export async function floorLoop(redis: Redis, pool: pg.Pool): Promise<{ keys: number; mismatches: number }> {
  let cursor = '0';
  let keys = 0;
  let mismatches = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (batch.length === 0) continue;
    const values = await redis.mgetBuffer(...batch);
    const tenants: string[] = [];
    const ids: number[] = [];
    values.forEach((v, i) => {
      if (!v) return;
      const doc = JSON.parse(v.toString('utf8')) as { tenant_id: string };
      const parts = batch[i]!.split(':');
      if (doc.tenant_id !== parts[1]) mismatches++;
      tenants.push(parts[1]!);
      ids.push(Number(parts[2]));
    });
    const { rows } = await pool.query(
      'SELECT k.i FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS k(t, id, i) JOIN bench.projects p ON p.tenant_id = k.t AND p.id = k.id',
      [tenants, ids],
    );
    mismatches += tenants.length - rows.length;
    keys += batch.length;
  } while (cursor !== '0');
  return { keys, mismatches };
}
