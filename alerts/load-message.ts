import type pg from 'pg';
import { blastRadius } from '../src/state/incidents.js';
import { getSilence } from '../src/state/silences.js';
import type { Severity } from '../src/types.js';
import type { AlertMessage, DeliveryJob, IncidentView } from './alert-types.js';

/** The incident on the dashboard: `?incident=<id>` on `alerts.dashboardUrl`. */
export function incidentUrl(dashboardUrl: string, id: string): string {
  const url = new URL(dashboardUrl);
  url.searchParams.set('incident', id);
  return url.toString();
}

/** An incident as the channels describe it, read when the message is sent (fresh counts). */
export async function loadIncidentView(pool: pg.Pool, id: string, dashboardUrl: string): Promise<IncidentView | null> {
  const res = await pool.query<{ id: string; kind: string; pattern: string; severity: Severity; status: 'open' | 'resolved'; opened_at: Date; resolved_at: Date | null; open: string; total: string; keys: string }>(
    `select i.id::text, i.kind, i.pattern, i.severity, i.status, i.opened_at, i.resolved_at,
            count(f.id) filter (where f.status <> 'resolved')::text as open, count(f.id)::text as total,
            count(distinct coalesce(f.key, f.shape, f.pattern))::text as keys
       from incidents i left join findings f on f.incident_id = i.id
      where i.id = $1 group by i.id`,
    [id],
  );
  const r = res.rows[0];
  if (!r) return null;
  const samples = await pool.query<{ k: string }>(
    `select k from (
       select key as k, last_seen from findings where incident_id = $1 and key is not null
       union all
       select jsonb_array_elements_text(sample_keys), last_seen from findings where incident_id = $1 and jsonb_typeof(sample_keys) = 'array'
     ) s group by k order by max(last_seen) desc, k limit 10`,
    [id],
  );
  return {
    id: r.id,
    kind: r.kind,
    pattern: r.pattern,
    severity: r.severity,
    status: r.status,
    openedAt: r.opened_at,
    resolvedAt: r.resolved_at,
    findings: { open: Number(r.open), total: Number(r.total) },
    keys: Number(r.keys),
    pairs: await blastRadius(pool, id),
    sampleKeys: samples.rows.map((s) => s.k),
    url: incidentUrl(dashboardUrl, id),
  };
}

/** The message a delivery job sends, or null when what it names is gone. */
export async function loadMessage(pool: pg.Pool, job: DeliveryJob, dashboardUrl: string): Promise<AlertMessage | null> {
  if (job.kind === 'silence_expired') {
    const silence = job.silenceId ? await getSilence(pool, job.silenceId) : null;
    if (!silence) return null;
    const open = await pool.query<{ id: string; kind: string; pattern: string }>(
      `select id::text, kind, pattern from incidents
        where status = 'open' and ($1::text is null or kind = $1) and ($2::text is null or pattern = $2)
        order by id limit 100`,
      [silence.kind, silence.pattern],
    );
    return {
      kind: 'silence_expired',
      silence,
      openIncidents: open.rows.map((i) => ({ ...i, url: incidentUrl(dashboardUrl, i.id) })),
      url: dashboardUrl,
    };
  }
  const incident = job.incidentId ? await loadIncidentView(pool, job.incidentId, dashboardUrl) : null;
  return incident && { kind: job.kind, incident };
}
