import type pg from 'pg';
import { exposurePairs } from '../findings/exposure-pairs.js';
import { fingerprint } from '../findings/fingerprint.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../types.js';
import { attachToIncidents, resolveSettledIncidents } from './incidents.js';
import { stateJson, stateKey } from './state-key.js';
import { withTransaction } from './with-transaction.js';

/** What one checked batch (sweep, sample, real-time or confirmation) tells the state. */
export interface BatchRecord {
  /** Per-key findings; grouped kinds only from sweeps. */
  findings: readonly Finding[];
  /** Keys read and judged completely, or found gone: their other open findings are repaired. */
  checkedKeys: readonly string[];
  /** Keys reached but not fully checked: their open findings stay as they are. */
  uncheckedKeys: readonly string[];
  /** Registered keys checked per pattern (the correctness figures' denominator). */
  perPattern: ReadonlyMap<string, number>;
  sweepId?: number;
  /** The sweep batch this is (its queue job id): marked done once, and only then counted. */
  batchId?: string;
  /** Keys the batch scanned, for the sweep's progress. */
  scanned?: number;
  /** A confirmation re-check: the finding counts as confirmed if it reproduced with this SHA-256. */
  confirming?: { fingerprint: string; payloadSha256?: string };
  /** Count the keys in the correctness figures (not for confirmation re-checks of one key). */
  countKeys?: boolean;
  /** `alerts.minSeverity`: confirmed findings at or above it open or join incidents. */
  minSeverity: Severity;
}

/** A critical finding waiting for its confirmation re-check. */
export interface PendingConfirmation {
  id: string;
  fingerprint: string;
  key: string;
  payloadSha256?: string;
}

export interface RecordResult {
  toConfirm: PendingConfirmation[];
  openedIncidents: string[];
  resolvedIncidents: string[];
  resolvedFindings: number;
}

/**
 * Record one batch in a single transaction: upsert its findings by fingerprint, resolve the
 * open findings of its keys that no longer reproduce, attach confirmed findings to incidents,
 * resolve incidents left with nothing open, and count keys for the correctness figures.
 * Idempotent under retry: a sweep batch counts once (its first completion).
 */
export async function recordBatch(pool: pg.Pool, rec: BatchRecord): Promise<RecordResult> {
  return withTransaction(pool, async (client) => {
    // A retried sweep batch (at-least-once delivery) must not count its keys or grouped kinds twice.
    const first = await firstCompletion(client, rec);
    const rows = rec.findings.filter((f) => first || f.key !== undefined).map((f) => toRow(f, rec.sweepId));
    const upserted = rows.length > 0 ? await upsertFindings(client, rows, first) : [];
    const fps = rows.map((r) => r.fingerprint);
    if (rec.confirming && fps.includes(stateKey(rec.confirming.fingerprint))) {
      // Confirmed only when the re-check reproduced it on the same bytes; a re-check that could
      // not check the key confirms nothing.
      await client.query(
        `update findings set confirmed = true
          where fingerprint = $1 and status <> 'resolved' and payload_sha256 is not distinct from $2`,
        [stateKey(rec.confirming.fingerprint), rec.confirming.payloadSha256 ?? null],
      );
    }
    const resolved = await resolveRepaired(client, rec.checkedKeys.map(stateKey), fps);
    if (rec.uncheckedKeys.length > 0) {
      await client.query(`update findings set last_swept = now() where status <> 'resolved' and key = any($1)`, [rec.uncheckedKeys.map(stateKey)]);
    }
    const opened = await attachToIncidents(client, fps, severitiesFrom(rec.minSeverity));
    const settled = await resolveSettledIncidents(client, resolved.incidents);
    if (first && rec.countKeys !== false) await countPatterns(client, rec);
    const toConfirm = upserted
      .filter((u) => u.severity === 'critical' && !u.confirmed && u.status !== 'resolved' && u.key !== null)
      .map((u) => ({ id: u.id, fingerprint: u.fingerprint, key: u.key!, payloadSha256: u.payload_sha256 ?? undefined }));
    return { toConfirm, openedIncidents: opened, resolvedIncidents: settled, resolvedFindings: resolved.count };
  });
}

/** Severities at or above `min`. */
export function severitiesFrom(min: Severity): Severity[] {
  return (Object.keys(SEVERITY_RANK) as Severity[]).filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[min]);
}

interface Row {
  fingerprint: string;
  kind: string;
  severity: string;
  key: string | null;
  pattern: string | null;
  shape: string | null;
  count: number | null;
  sample_keys: string[] | null;
  key_tenant: string | null;
  marker_tenants: string[] | null;
  owner_tenants: string[] | null;
  exposures: { owner: string; exposed: string }[];
  payload_sha256: string | null;
  size_bytes: number | null;
  ttl_seconds: number | null;
  detail: string;
  last_sweep_id: number | null;
  // Only critical per-key findings wait for confirmation (SPEC §6): a grouped kind has no payload to re-read.
  confirmed: boolean;
}

function toRow(f: Finding, sweepId: number | undefined): Row {
  return {
    fingerprint: stateKey(fingerprint(f)),
    kind: f.kind,
    severity: f.severity,
    key: f.key ?? null,
    pattern: f.pattern ?? null,
    shape: f.shape ?? null,
    count: f.count ?? null,
    sample_keys: f.sampleKeys ?? null,
    key_tenant: f.keyTenant ?? null,
    marker_tenants: f.markerTenants ?? null,
    owner_tenants: f.ownerTenants ?? null,
    exposures: exposurePairs(f),
    payload_sha256: f.payloadSha256 ?? null,
    size_bytes: f.sizeBytes ?? null,
    ttl_seconds: f.ttlSeconds ?? null,
    detail: f.detail,
    last_sweep_id: sweepId ?? null,
    confirmed: f.severity !== 'critical' || f.key === undefined,
  };
}

interface Upserted {
  id: string;
  fingerprint: string;
  key: string | null;
  severity: string;
  status: string;
  confirmed: boolean;
  payload_sha256: string | null;
}

// A finding that reappears after resolving reopens (and must be confirmed again); a changed
// payload restarts confirmation too, since the bytes that were confirmed are gone. Grouped
// counts restart with each sweep and add up within one.
const UPSERT_FINDINGS = `
insert into findings as f (fingerprint, kind, severity, key, pattern, shape, count, sample_keys, key_tenant,
  marker_tenants, owner_tenants, exposures, payload_sha256, size_bytes, ttl_seconds, expires_at, detail,
  last_sweep_id, confirmed)
select r.fingerprint, r.kind, r.severity, r.key, r.pattern, r.shape, r.count, r.sample_keys, r.key_tenant,
  r.marker_tenants, r.owner_tenants, r.exposures, r.payload_sha256, r.size_bytes, r.ttl_seconds,
  case when r.ttl_seconds >= 0 then now() + make_interval(secs => r.ttl_seconds) end, r.detail,
  r.last_sweep_id, r.confirmed
from jsonb_to_recordset($1::jsonb) as r(fingerprint text, kind text, severity text, key text, pattern text,
  shape text, count bigint, sample_keys jsonb, key_tenant text, marker_tenants jsonb, owner_tenants jsonb,
  exposures jsonb, payload_sha256 text, size_bytes bigint, ttl_seconds bigint, detail text,
  last_sweep_id bigint, confirmed boolean)
on conflict (fingerprint) do update set
  severity = excluded.severity,
  pattern = excluded.pattern,
  key_tenant = excluded.key_tenant,
  marker_tenants = excluded.marker_tenants,
  owner_tenants = excluded.owner_tenants,
  exposures = excluded.exposures,
  payload_sha256 = excluded.payload_sha256,
  size_bytes = excluded.size_bytes,
  ttl_seconds = excluded.ttl_seconds,
  expires_at = excluded.expires_at,
  detail = excluded.detail,
  count = case
    when excluded.count is null then null
    when f.last_sweep_id is not distinct from excluded.last_sweep_id and f.status <> 'resolved' then coalesce(f.count, 0) + excluded.count
    else excluded.count end,
  sample_keys = case
    when f.last_sweep_id is not distinct from excluded.last_sweep_id and f.status <> 'resolved' and f.sample_keys is not null
      then (select coalesce(jsonb_agg(distinct s), '[]') from (select s from jsonb_array_elements(f.sample_keys || coalesce(excluded.sample_keys, '[]')) s limit 10) x)
    else excluded.sample_keys end,
  last_sweep_id = coalesce(excluded.last_sweep_id, f.last_sweep_id),
  last_seen = now(),
  last_swept = now(),
  occurrences = f.occurrences + case when $2::boolean then 1 else 0 end,
  confirmed = case
    when f.status = 'resolved' or f.payload_sha256 is distinct from excluded.payload_sha256 then excluded.confirmed
    else f.confirmed or excluded.confirmed end,
  incident_id = case when f.status = 'resolved' then null else f.incident_id end,
  status = case when f.status = 'resolved' then 'open' else f.status end,
  resolved_at = null
returning f.id::text, f.fingerprint, f.key, f.severity, f.status, f.confirmed, f.payload_sha256`;

/** `observed`: this is a new observation (not a retried batch delivered again), so it counts. */
async function upsertFindings(client: pg.PoolClient, rows: Row[], observed: boolean): Promise<Upserted[]> {
  // One key may carry the same fingerprint twice only through a bug upstream; keep the last.
  const unique = [...new Map(rows.map((r) => [r.fingerprint, r])).values()];
  // Sorted: concurrent batches touching the same fingerprints lock rows in one order (no deadlock).
  unique.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  return (await client.query<Upserted>(UPSERT_FINDINGS, [stateJson(unique), observed])).rows;
}

async function resolveRepaired(client: pg.PoolClient, keys: readonly string[], seen: readonly string[]): Promise<{ count: number; incidents: string[] }> {
  if (keys.length === 0) return { count: 0, incidents: [] };
  const res = await client.query<{ incident_id: string | null }>(
    `update findings set status = 'resolved', resolved_at = now()
      where status <> 'resolved' and key = any($1) and not (fingerprint = any($2))
      returning incident_id::text`,
    [keys, seen],
  );
  return { count: res.rowCount ?? 0, incidents: [...new Set(res.rows.flatMap((r) => (r.incident_id ? [r.incident_id] : [])))] };
}

async function firstCompletion(client: pg.PoolClient, rec: BatchRecord): Promise<boolean> {
  if (rec.sweepId === undefined || rec.batchId === undefined) return true;
  const res = await client.query(
    `insert into sweep_batches (sweep_id, batch_id, done) values ($1, $2, true)
     on conflict (sweep_id, batch_id) do update set done = true where not sweep_batches.done`,
    [rec.sweepId, rec.batchId],
  );
  if ((res.rowCount ?? 0) === 0) return false;
  await client.query('update sweeps set scanned = scanned + $2, unchecked = unchecked + $3 where id = $1', [rec.sweepId, rec.scanned ?? 0, rec.uncheckedKeys.length]);
  return true;
}

async function countPatterns(client: pg.PoolClient, rec: BatchRecord): Promise<void> {
  if (rec.perPattern.size === 0) return;
  const wrong = new Map<string, Set<string>>();
  for (const f of rec.findings) {
    if (f.severity !== 'critical' || !f.pattern || !f.key) continue;
    const set = wrong.get(f.pattern) ?? new Set<string>();
    set.add(f.key);
    wrong.set(f.pattern, set);
  }
  const patterns = [...rec.perPattern.keys()].sort();
  await client.query(
    `insert into pattern_minutes (minute, pattern, checked, wrong)
     select date_trunc('minute', now()), p, c, w from unnest($1::text[], $2::bigint[], $3::bigint[]) as u(p, c, w)
     on conflict (minute, pattern) do update set checked = pattern_minutes.checked + excluded.checked,
       wrong = pattern_minutes.wrong + excluded.wrong`,
    [patterns, patterns.map((p) => rec.perPattern.get(p)!), patterns.map((p) => wrong.get(p)?.size ?? 0)],
  );
  if (rec.sweepId !== undefined) {
    await client.query(
      `insert into sweep_patterns (sweep_id, pattern, keys)
       select $1, p, c from unnest($2::text[], $3::bigint[]) as u(p, c)
       on conflict (sweep_id, pattern) do update set keys = sweep_patterns.keys + excluded.keys`,
      [rec.sweepId, patterns, patterns.map((p) => rec.perPattern.get(p)!)],
    );
  }
}
