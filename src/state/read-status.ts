import type pg from 'pg';
import { correctness, detectionProbability, type Correctness } from '../findings/correctness.js';
import type { Severity } from '../types.js';

export interface SweepSummary {
  id: number;
  reason: string;
  status: 'running' | 'done' | 'failed';
  startedAt: Date;
  finishedAt?: Date;
  scanned: number;
  /** Keys in the cache when the sweep began (DBSIZE), when known. */
  total?: number;
  /** scanned / total, 0..1, when total is known. */
  progress?: number;
  /** Keys per second so far (running) or overall (finished). */
  rate: number;
}

/** The watchdog's state as the status API and the metrics report it. */
export interface WatchStatus {
  currentSweep?: SweepSummary;
  lastSweep?: SweepSummary;
  /** Keys per pattern seen by the last complete sweep. */
  keysPerPattern: Record<string, number>;
  openIncidents: Record<Severity, number>;
  /** Keys checked and the share holding the right tenant's data, per pattern, over the window. */
  correctness: { windowMinutes: number; patterns: Record<string, Correctness> };
  /**
   * What random sampling buys between sweeps (SPEC sweep.sample): the chance that at least one
   * wrong key is sampled within the window, when `badShare` of all keys are wrong (`detection`),
   * and per pattern when `badShare` of that pattern's keys are wrong — a pattern holding
   * `keyspaceShare` of the keyspace (from the last sweep) gets that share of the samples.
   */
  sampling: {
    perMinute: number;
    windowMinutes: number;
    detection: Detection[];
    patterns: { pattern: string; keyspaceShare: number; detection: Detection[] }[];
  };
}

/** Bad-key shares the sampling odds are stated for: one in 10,000, 1,000 and 100 keys. */
const BAD_SHARES = [0.0001, 0.001, 0.01];

interface Detection {
  badShare: number;
  probability: number;
}

/** The odds for each bad share when a key is bad with probability badShare × scale. */
function odds(samples: number, scale: number): Detection[] {
  return BAD_SHARES.map((badShare) => ({ badShare, probability: Math.round(detectionProbability(samples, badShare * scale) * 10_000) / 10_000 }));
}

export async function readStatus(pool: pg.Pool, opts: { samplePerMinute: number; windowMinutes?: number }): Promise<WatchStatus> {
  const windowMinutes = opts.windowMinutes ?? 60;
  const [current, last] = await Promise.all([sweepRow(pool, `status = 'running'`), sweepRow(pool, `status = 'done'`)]);
  const patterns = last
    ? (await pool.query<{ pattern: string; keys: string }>('select pattern, keys::text from sweep_patterns where sweep_id = $1 order by pattern', [last.id])).rows
    : [];
  const incidents = await pool.query<{ severity: Severity; n: string }>(`select severity, count(*)::text as n from incidents where status = 'open' group by severity`);
  const minutes = await pool.query<{ pattern: string; checked: string; wrong: string }>(
    `select pattern, sum(checked)::text as checked, sum(wrong)::text as wrong from pattern_minutes
      where minute >= date_trunc('minute', now()) - make_interval(mins => $1) group by pattern order by pattern`,
    [windowMinutes],
  );
  const openIncidents: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const r of incidents.rows) openIncidents[r.severity] = Number(r.n);
  const samples = opts.samplePerMinute * windowMinutes;
  // The keyspace the last sweep saw (DBSIZE at its start, else what it scanned).
  const keyspace = last ? Math.max(last.total ?? 0, last.scanned) : 0;
  return {
    currentSweep: current,
    lastSweep: last,
    keysPerPattern: Object.fromEntries(patterns.map((p) => [p.pattern, Number(p.keys)])),
    openIncidents,
    correctness: { windowMinutes, patterns: Object.fromEntries(minutes.rows.map((m) => [m.pattern, correctness(Number(m.checked), Number(m.wrong))])) },
    sampling: {
      perMinute: opts.samplePerMinute,
      windowMinutes,
      detection: odds(samples, 1),
      patterns: keyspace > 0
        ? patterns.map((p) => {
            const keyspaceShare = Math.min(1, Number(p.keys) / keyspace);
            return { pattern: p.pattern, keyspaceShare: Math.round(keyspaceShare * 1_000_000) / 1_000_000, detection: odds(samples, keyspaceShare) };
          })
        : [],
    },
  };
}

async function sweepRow(pool: pg.Pool, where: string): Promise<SweepSummary | undefined> {
  const res = await pool.query<{ id: string; reason: string; status: SweepSummary['status']; started_at: Date; finished_at: Date | null; scanned: string; total: string | null; secs: number }>(
    `select id::text, reason, status, started_at, finished_at, scanned::text, total::text,
            extract(epoch from coalesce(finished_at, now()) - started_at)::float8 as secs
       from sweeps where ${where} order by id desc limit 1`,
  );
  const r = res.rows[0];
  if (!r) return undefined;
  const scanned = Number(r.scanned);
  const total = r.total === null ? undefined : Number(r.total);
  return {
    id: Number(r.id),
    reason: r.reason,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? undefined,
    scanned,
    total,
    progress: total ? Math.min(1, scanned / total) : undefined,
    rate: Math.round(scanned / Math.max(0.001, r.secs)),
  };
}
