import type pg from 'pg';

/**
 * Silences (SPEC §6, issue 4): mute an incident's notifications while a known problem is being
 * fixed. Matched on kind, pattern and tenant; each has an expiry, and its end is announced.
 */

/** One silence as stored. A null matcher matches anything. */
export interface Silence {
  id: string;
  kind: string | null;
  pattern: string | null;
  tenant: string | null;
  createdBy: string;
  reason: string;
  createdAt: Date;
  startsAt: Date;
  endsAt: Date;
  /** Set when expired by hand before `endsAt`. */
  expiredAt: Date | null;
  /** When the "silence expired" notice was queued. */
  expiryNoticedAt: Date | null;
  /** Started and not yet ended (as of the query). */
  active: boolean;
}

/** What creating a silence needs; at least one of kind, pattern and tenant. */
export interface NewSilence {
  kind?: string;
  pattern?: string;
  tenant?: string;
  createdBy: string;
  reason: string;
  /** Default: now. */
  startsAt?: Date;
  endsAt: Date;
}

/** A silence that cannot be created; `problems` name each bad field. */
export class InvalidSilence extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid silence: ${problems.join('; ')}`);
    this.name = 'InvalidSilence';
    this.problems = problems;
  }
}

interface SilenceRow {
  id: string;
  kind: string | null;
  pattern: string | null;
  tenant: string | null;
  created_by: string;
  reason: string;
  created_at: Date;
  starts_at: Date;
  ends_at: Date;
  expired_at: Date | null;
  expiry_noticed_at: Date | null;
  active: boolean;
}

const COLUMNS = `id::text, kind, pattern, tenant, created_by, reason, created_at, starts_at, ends_at, expired_at,
  expiry_noticed_at, (starts_at <= now() and coalesce(expired_at, ends_at) > now()) as active`;

function toSilence(r: SilenceRow): Silence {
  return {
    id: r.id,
    kind: r.kind,
    pattern: r.pattern,
    tenant: r.tenant,
    createdBy: r.created_by,
    reason: r.reason,
    createdAt: r.created_at,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    expiredAt: r.expired_at,
    expiryNoticedAt: r.expiry_noticed_at,
    active: r.active,
  };
}

/** Create a silence; throws InvalidSilence listing every problem. */
export async function createSilence(pool: pg.Pool, input: NewSilence): Promise<Silence> {
  const problems: string[] = [];
  const blank = (v: string | undefined) => v === undefined || v.trim() === '';
  if (blank(input.kind) && blank(input.pattern) && blank(input.tenant)) problems.push('matchers: set at least one of kind, pattern, tenant');
  if (blank(input.createdBy)) problems.push('createdBy: required');
  if (blank(input.reason)) problems.push('reason: required');
  const startsAt = input.startsAt ?? new Date();
  if (!(input.endsAt instanceof Date) || Number.isNaN(input.endsAt.getTime())) problems.push('endsAt: required');
  else if (input.endsAt.getTime() <= Math.max(startsAt.getTime(), Date.now())) problems.push('endsAt: must be in the future and after startsAt');
  if (problems.length > 0) throw new InvalidSilence(problems);
  const res = await pool.query<SilenceRow>(
    `insert into silences (kind, pattern, tenant, created_by, reason, starts_at, ends_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
    [nullIfBlank(input.kind), nullIfBlank(input.pattern), nullIfBlank(input.tenant), input.createdBy, input.reason, startsAt, input.endsAt],
  );
  return toSilence(res.rows[0]!);
}

/** Silences newest first; `active` filters on whether they hold now; `beforeId` pages on. */
export async function listSilences(pool: pg.Pool, opts: { active?: boolean; limit?: number; beforeId?: string } = {}): Promise<Silence[]> {
  const res = await pool.query<SilenceRow>(
    `select ${COLUMNS} from silences
      where ($1::boolean is null or (starts_at <= now() and coalesce(expired_at, ends_at) > now()) = $1)
        and ($2::bigint is null or id < $2)
      order by id desc limit $3`,
    [opts.active ?? null, opts.beforeId ?? null, Math.min(Math.max(opts.limit ?? 100, 1), 1000)],
  );
  return res.rows.map(toSilence);
}

/** One silence by id, or null. */
export async function getSilence(pool: pg.Pool, id: string): Promise<Silence | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const res = await pool.query<SilenceRow>(`select ${COLUMNS} from silences where id = $1`, [id]);
  return res.rows[0] ? toSilence(res.rows[0]) : null;
}

/**
 * End a silence now (idempotent: an already ended one is returned as it is). Null when no such
 * silence. Its expiry notice follows from the alert dispatcher.
 */
export async function expireSilence(pool: pg.Pool, id: string): Promise<Silence | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  await pool.query(`update silences set expired_at = now() where id = $1 and expired_at is null and ends_at > now()`, [id]);
  return getSilence(pool, id);
}

/** What a silence is matched against: an incident's kind, pattern and exposure pairs. */
export interface SilenceTarget {
  kind: string;
  pattern: string;
  pairs: readonly { owner: string; exposed: string }[];
  /** Default: now. */
  at?: Date;
}

/**
 * The silence holding an incident, or null. A silence with no tenant holds every incident of
 * its kind and pattern. Tenant silences hold an incident only when each of its exposure pairs
 * names a silenced tenant (owner or exposed): a leak between two other tenants still pages.
 * An incident without pairs is held only by a silence without tenant.
 */
export async function matchingSilence(pool: pg.Pool | pg.PoolClient, target: SilenceTarget): Promise<Silence | null> {
  const res = await pool.query<SilenceRow>(
    `with active as (
       select * from silences
        where starts_at <= coalesce($4, now()) and coalesce(expired_at, ends_at) > coalesce($4, now())
          and (kind is null or kind = $1) and (pattern is null or pattern = $2)
     ), pairs as (
       select p->>'owner' as owner, p->>'exposed' as exposed from jsonb_array_elements($3::jsonb) p
     )
     select ${COLUMNS} from active a
      where a.tenant is null
         or (exists (select 1 from pairs p where a.tenant in (p.owner, p.exposed))
             and not exists (select 1 from pairs p
                              where not exists (select 1 from active b where b.tenant in (p.owner, p.exposed))))
      order by (a.tenant is null) desc, coalesce(a.expired_at, a.ends_at) desc, a.id
      limit 1`,
    // Without a time, Postgres's own clock: the silences' times are its microseconds, and a
    // millisecond Date read just after an expiry could still fall before it.
    [target.kind, target.pattern, JSON.stringify(target.pairs), target.at ?? null],
  );
  return res.rows[0] ? toSilence(res.rows[0]) : null;
}

function nullIfBlank(v: string | undefined): string | null {
  return v === undefined || v.trim() === '' ? null : v;
}
