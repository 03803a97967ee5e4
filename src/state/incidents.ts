import type pg from 'pg';
import type { Severity } from '../types.js';

/**
 * Confirmed findings at or above the alert threshold join the open incident of their
 * (kind, pattern), opening one when there is none (SPEC §6): thousands of poisoned keys page once.
 * Returns the ids of incidents this call opened.
 */
export async function attachToIncidents(client: pg.PoolClient, fingerprints: readonly string[], severities: readonly Severity[]): Promise<string[]> {
  if (fingerprints.length === 0) return [];
  const waiting = await client.query<{ kind: string; pattern: string; severity: string }>(
    `select kind, coalesce(pattern, '') as pattern, max(severity) as severity from findings
      where fingerprint = any($1) and confirmed and incident_id is null and status <> 'resolved' and severity = any($2)
      group by kind, coalesce(pattern, '') order by 1, 2`,
    [fingerprints, severities],
  );
  const opened: string[] = [];
  for (const g of waiting.rows) {
    // Serialises with resolveSettledIncidents on this (kind, pattern): an incident cannot be
    // resolved while a finding is joining it (the join would land in a resolved incident).
    await lockGroup(client, g.kind, g.pattern);
    // The partial unique index makes a concurrent opener wait, then find the winner's row.
    const ins = await client.query<{ id: string }>(
      `insert into incidents (kind, pattern, severity) values ($1, $2, $3)
       on conflict (kind, pattern) where status = 'open' do nothing returning id::text`,
      [g.kind, g.pattern, g.severity],
    );
    let id = ins.rows[0]?.id;
    if (id) {
      opened.push(id);
      await client.query(`insert into incident_events (incident_id, event) values ($1, 'opened')`, [id]);
    } else {
      id = (await client.query<{ id: string }>(`select id::text from incidents where kind = $1 and pattern = $2 and status = 'open'`, [g.kind, g.pattern])).rows[0]!.id;
    }
    await client.query(
      `update findings set incident_id = $1
        where fingerprint = any($2) and kind = $3 and coalesce(pattern, '') = $4 and confirmed and incident_id is null
          and status <> 'resolved' and severity = any($5)`,
      [id, fingerprints, g.kind, g.pattern, severities],
    );
  }
  return opened;
}

/**
 * An incident resolves when none of its findings is still open or acknowledged (SPEC §6).
 * Checks the given incidents, or every open one when `ids` is undefined.
 */
export async function resolveSettledIncidents(client: pg.PoolClient, ids?: readonly string[]): Promise<string[]> {
  if (ids && ids.length === 0) return [];
  const candidates = await client.query<{ kind: string; pattern: string }>(
    `select distinct kind, pattern from incidents where status = 'open' and ($1::bigint[] is null or id = any($1::bigint[])) order by 1, 2`,
    [ids ?? null],
  );
  if (candidates.rows.length === 0) return [];
  for (const g of candidates.rows) await lockGroup(client, g.kind, g.pattern);
  // A new statement after the locks: it sees findings that joined and committed meanwhile.
  const res = await client.query<{ id: string }>(
    `update incidents i set status = 'resolved', resolved_at = now()
      where i.status = 'open' and ($1::bigint[] is null or i.id = any($1::bigint[]))
        and not exists (select 1 from findings f where f.incident_id = i.id and f.status <> 'resolved')
      returning i.id::text`,
    [ids ?? null],
  );
  const resolved = res.rows.map((r) => r.id);
  if (resolved.length > 0) {
    await client.query(`insert into incident_events (incident_id, event) select unnest($1::bigint[]), 'resolved'`, [resolved]);
  }
  return resolved;
}

/** Transaction-scoped lock on one (kind, pattern) incident group. Taken in sorted order. */
async function lockGroup(client: pg.PoolClient, kind: string, pattern: string): Promise<void> {
  await client.query('select pg_advisory_xact_lock(hashtext($1))', [`tenantwatch:incident:${kind}|${pattern}`]);
}

/** One (data owner → exposed tenant) pair of an incident's blast radius. */
export interface BlastPair {
  owner: string;
  exposed: string;
  keys: number;
  firstSeen: Date;
  lastSeen: Date;
  /** Longest remaining TTL among those keys, in seconds; null when one never expires. */
  maxRemainingTtlSeconds: number | null;
}

/** The blast radius of an incident: who may have been served whose data (remaining TTLs of unresolved keys). */
export async function blastRadius(pool: pg.Pool, incidentId: string): Promise<BlastPair[]> {
  const res = await pool.query<{ owner: string; exposed: string; keys: string; first_seen: Date; last_seen: Date; never: boolean; remaining: string | null }>(
    `select e->>'owner' as owner, e->>'exposed' as exposed, count(distinct f.key)::text as keys,
            min(f.first_seen) as first_seen, max(f.last_seen) as last_seen,
            -- No TTL recorded means the key had none (PTTL -1): it never expires.
            coalesce(bool_or((f.ttl_seconds is null or f.ttl_seconds < 0) and f.status <> 'resolved'), false) as never,
            greatest(0, max(case when f.status <> 'resolved' then extract(epoch from f.expires_at - now()) end))::bigint::text as remaining
       from findings f cross join lateral jsonb_array_elements(f.exposures) e
      where f.incident_id = $1
      group by 1, 2 order by count(distinct f.key) desc, 1, 2`,
    [incidentId],
  );
  return res.rows.map((r) => ({
    owner: r.owner,
    exposed: r.exposed,
    keys: Number(r.keys),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    maxRemainingTtlSeconds: r.never ? null : r.remaining === null ? 0 : Number(r.remaining),
  }));
}
