import type pg from 'pg';
import type { Finding, FindingKind, Severity } from '../types.js';
import { resolveSettledIncidents } from './incidents.js';
import { withTransaction } from './with-transaction.js';

export type FindingStatus = 'open' | 'acknowledged' | 'resolved';

/** A stored finding as the API serves it (SPEC §3 fields plus its lifecycle). */
export interface StoredFinding extends Finding {
  id: string;
  status: FindingStatus;
  firstSeen: Date;
  lastSeen: Date;
  occurrences: number;
  confirmed: boolean;
  incidentId?: string;
  acknowledgedBy?: string;
  resolvedBy?: string;
  resolvedAt?: Date;
}

export interface FindingFilter {
  status?: FindingStatus;
  severity?: Severity;
  kind?: FindingKind;
  pattern?: string;
  /** Matches the key's tenant, a marker tenant or an owner tenant. */
  tenant?: string;
  incidentId?: string;
}

interface Row {
  id: string;
  kind: FindingKind;
  severity: Severity;
  status: FindingStatus;
  key: string | null;
  pattern: string | null;
  shape: string | null;
  count: string | null;
  sample_keys: string[] | null;
  key_tenant: string | null;
  marker_tenants: string[] | null;
  owner_tenants: string[] | null;
  payload_sha256: string | null;
  size_bytes: string | null;
  ttl_seconds: string | null;
  detail: string;
  first_seen: Date;
  last_seen: Date;
  occurrences: string;
  confirmed: boolean;
  incident_id: string | null;
  acknowledged_by: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
}

const COLUMNS = `id::text, kind, severity, status, key, pattern, shape, count::text, sample_keys, key_tenant, marker_tenants,
  owner_tenants, payload_sha256, size_bytes::text, ttl_seconds::text, detail, first_seen, last_seen, occurrences::text,
  confirmed, incident_id::text, acknowledged_by, resolved_by, resolved_at`;

function toFinding(r: Row): StoredFinding {
  const f: StoredFinding = {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    status: r.status,
    detail: r.detail,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    occurrences: Number(r.occurrences),
    confirmed: r.confirmed,
  };
  if (r.key !== null) f.key = r.key;
  if (r.pattern !== null) f.pattern = r.pattern;
  if (r.shape !== null) f.shape = r.shape;
  if (r.count !== null) f.count = Number(r.count);
  if (r.sample_keys !== null) f.sampleKeys = r.sample_keys;
  if (r.key_tenant !== null) f.keyTenant = r.key_tenant;
  if (r.marker_tenants !== null) f.markerTenants = r.marker_tenants;
  if (r.owner_tenants !== null) f.ownerTenants = r.owner_tenants;
  if (r.payload_sha256 !== null) f.payloadSha256 = r.payload_sha256;
  if (r.size_bytes !== null) f.sizeBytes = Number(r.size_bytes);
  if (r.ttl_seconds !== null) f.ttlSeconds = Number(r.ttl_seconds);
  if (r.incident_id !== null) f.incidentId = r.incident_id;
  if (r.acknowledged_by !== null) f.acknowledgedBy = r.acknowledged_by;
  if (r.resolved_by !== null) f.resolvedBy = r.resolved_by;
  if (r.resolved_at !== null) f.resolvedAt = r.resolved_at;
  return f;
}

/** Newest first, keyset-paginated by id: `after` is the last id of the previous page. */
export async function listFindings(pool: pg.Pool, filter: FindingFilter, limit: number, after?: string): Promise<StoredFinding[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    where.push(sql.replace('$?', `$${args.length}`));
  };
  if (filter.status) add('status = $?', filter.status);
  if (filter.severity) add('severity = $?', filter.severity);
  if (filter.kind) add('kind = $?', filter.kind);
  if (filter.pattern) add('pattern = $?', filter.pattern);
  if (filter.incidentId) add('incident_id = $?::bigint', filter.incidentId);
  if (filter.tenant) {
    args.push(filter.tenant);
    const n = `$${args.length}`;
    where.push(`(key_tenant = ${n} or marker_tenants ? ${n} or owner_tenants ? ${n})`);
  }
  if (after) add('id < $?::bigint', after);
  args.push(limit);
  const sql = `select ${COLUMNS} from findings ${where.length ? `where ${where.join(' and ')}` : ''} order by findings.id desc limit $${args.length}`;
  return (await pool.query<Row>(sql, args)).rows.map(toFinding);
}

export async function getFinding(pool: pg.Pool, id: string): Promise<StoredFinding | undefined> {
  const res = await pool.query<Row>(`select ${COLUMNS} from findings where id = $1::bigint`, [id]);
  return res.rows[0] && toFinding(res.rows[0]);
}

/** A person has seen it: it stays in its incident and keeps being checked. */
export async function acknowledgeFinding(pool: pg.Pool, id: string, by: string): Promise<StoredFinding | undefined> {
  const res = await pool.query<Row>(
    `update findings set status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2
      where id = $1::bigint and status = 'open' returning ${COLUMNS}`,
    [id, by],
  );
  return res.rows[0] ? toFinding(res.rows[0]) : getFinding(pool, id);
}

/** Resolved by hand; it reopens if a later check sees it again. Its incident may resolve. */
export async function resolveFinding(pool: pg.Pool, id: string, by: string): Promise<StoredFinding | undefined> {
  return withTransaction(pool, async (client) => {
    const res = await client.query<Row>(
      `update findings set status = 'resolved', resolved_at = now(), resolved_by = $2
        where id = $1::bigint and status <> 'resolved' returning ${COLUMNS}`,
      [id, by],
    );
    const row = res.rows[0];
    if (!row) {
      const cur = await client.query<Row>(`select ${COLUMNS} from findings where id = $1::bigint`, [id]);
      return cur.rows[0] && toFinding(cur.rows[0]);
    }
    if (row.incident_id) await resolveSettledIncidents(client, [row.incident_id]);
    return toFinding(row);
  });
}

export async function recordEviction(pool: pg.Pool, e: { findingId: string; key: string; tokenName: string; evicted: boolean; reason: string }): Promise<void> {
  await pool.query('insert into evictions (finding_id, key, token_name, evicted, reason) values ($1::bigint, $2, $3, $4, $5)', [e.findingId, e.key, e.tokenName, e.evicted, e.reason]);
}
