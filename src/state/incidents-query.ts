import type pg from 'pg';
import type { Severity } from '../types.js';
import { blastRadius, type BlastPair } from './incidents.js';

/** An incident as the API serves it, with its blast radius. */
export interface StoredIncident {
  id: string;
  kind: string;
  pattern: string;
  severity: Severity;
  status: 'open' | 'resolved';
  openedAt: Date;
  resolvedAt?: Date;
  /** Findings grouped in it (all statuses). */
  findings: number;
  openFindings: number;
  blastRadius: BlastPair[];
}

interface Row {
  id: string;
  kind: string;
  pattern: string;
  severity: Severity;
  status: 'open' | 'resolved';
  opened_at: Date;
  resolved_at: Date | null;
  findings: string;
  open_findings: string;
}

/** Pairs listed per incident in lists; the incident itself lists them all. */
const LIST_PAIRS = 20;

export async function listIncidents(pool: pg.Pool, filter: { status?: 'open' | 'resolved' }, limit: number, after?: string): Promise<StoredIncident[]> {
  const args: unknown[] = [];
  const where: string[] = [];
  if (filter.status) {
    args.push(filter.status);
    where.push(`i.status = $${args.length}`);
  }
  if (after) {
    args.push(after);
    where.push(`i.id < $${args.length}::bigint`);
  }
  args.push(limit);
  const rows = (await pool.query<Row>(`${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by i.id desc limit $${args.length}`, args)).rows;
  return Promise.all(rows.map(async (r) => toIncident(r, (await blastRadius(pool, r.id)).slice(0, LIST_PAIRS))));
}

export async function getIncident(pool: pg.Pool, id: string): Promise<StoredIncident | undefined> {
  const row = (await pool.query<Row>(`${SELECT} where i.id = $1::bigint`, [id])).rows[0];
  return row && toIncident(row, await blastRadius(pool, row.id));
}

const SELECT = `select i.id::text, i.kind, i.pattern, i.severity, i.status, i.opened_at, i.resolved_at,
  (select count(*) from findings f where f.incident_id = i.id)::text as findings,
  (select count(*) from findings f where f.incident_id = i.id and f.status <> 'resolved')::text as open_findings
  from incidents i`;

function toIncident(r: Row, pairs: BlastPair[]): StoredIncident {
  const inc: StoredIncident = {
    id: r.id,
    kind: r.kind,
    pattern: r.pattern,
    severity: r.severity,
    status: r.status,
    openedAt: r.opened_at,
    findings: Number(r.findings),
    openFindings: Number(r.open_findings),
    blastRadius: pairs,
  };
  if (r.resolved_at) inc.resolvedAt = r.resolved_at;
  return inc;
}
