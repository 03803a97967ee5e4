import type pg from 'pg';
import type { Logger } from 'pino';
import type { TenantwatchConfig } from '../config/validate-config.js';
import { describeError } from '../errors.js';
import { readStatus } from '../state/read-status.js';
import type { Metrics } from './metrics.js';

/** How often the gauges read from the state are refreshed. */
export const FIGURES_EVERY_MS = 15_000;

/**
 * The gauges that describe the watchdog as a whole rather than this process — correctness per
 * pattern, open incidents, sweep progress and the last sweep — read from the state database, so
 * any process (a worker, or an API process alone) exports the same figures.
 */
export async function publishStateFigures(pool: pg.Pool, config: TenantwatchConfig, metrics: Metrics): Promise<void> {
  const status = await readStatus(pool, { samplePerMinute: config.sweep.sample });
  const anchor = await pool.query<{ at: number | null }>(
    `select extract(epoch from coalesce(max(finished_at) filter (where status = 'done'), min(started_at)))::float8 as at from sweeps`,
  );
  // Reset first (no await between, so a scrape never sees the gap): a pattern no longer
  // checked in the window drops out instead of exporting its last ratio forever.
  metrics.tenantCorrectRatio.reset();
  metrics.tenantCorrectNines.reset();
  for (const [pattern, c] of Object.entries(status.correctness.patterns)) {
    if (c.ratio !== undefined) metrics.tenantCorrectRatio.set({ pattern }, c.ratio);
    if (c.nines !== undefined) metrics.tenantCorrectNines.set({ pattern }, c.nines);
  }
  for (const [severity, n] of Object.entries(status.openIncidents)) metrics.openIncidents.set({ severity }, n);
  metrics.sweepEvery.set(config.sweep.everyMs / 1000);
  // Before the first sweep finishes, the time the first one started: "no sweep finished within
  // 3 × sweep.every" then counts from there, and a sweep that never finishes still alerts.
  const at = anchor.rows[0]?.at;
  if (at !== null && at !== undefined) metrics.lastSweepFinished.set(at);
  const last = status.lastSweep;
  if (last?.finishedAt) metrics.sweepDuration.set((last.finishedAt.getTime() - last.startedAt.getTime()) / 1000);
  const cur = status.currentSweep;
  if (cur) {
    if (cur.progress !== undefined) metrics.sweepProgress.set(cur.progress);
  } else if (last) {
    metrics.sweepProgress.set(1);
  }
}

/**
 * Publishes now and every FIGURES_EVERY_MS until the returned stop function is called; stop
 * resolves once a read already under way has finished (the pool may close right after).
 */
export function startStateFigures(pool: pg.Pool, config: TenantwatchConfig, metrics: Metrics, log: Logger): () => Promise<void> {
  metrics.sweepEvery.set(config.sweep.everyMs / 1000);
  let inFlight: Promise<void> = Promise.resolve();
  const publish = () => {
    inFlight = publishStateFigures(pool, config, metrics).catch((err: unknown) => log.warn({ err: describeError(err) }, 'could not read the figures the metrics export from the state'));
  };
  publish();
  const timer = setInterval(publish, FIGURES_EVERY_MS);
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
