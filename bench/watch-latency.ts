import pg from 'pg';
import { sleep } from './watch-env.js';
import { STATE_SCHEMA, SOURCE_SCHEMA, sweepRows, waitFor, waitQuiet, withPhase, type PhaseOptions } from './watch-phase.js';
import { projectPayload, seedCache, seedSource, watchTenant, WATCH_TENANTS } from './watch-seed.js';

/** Per poisoned write: when it was written, found (a finding row) and confirmed, in ms. */
export interface WriteTiming {
  key: string;
  writtenAt: number;
  foundAt?: number;
  confirmedAt?: number;
  /** The confirming transaction's start (findings.last_seen), from Postgres's clock. */
  confirmedInDbAt?: number;
}

export interface LatencyResult {
  realtime: boolean;
  /** sweep.rate while sweeps ran back to back under the writes, when they did. */
  sweepingAt?: number;
  /** Writes made while a sweep was running (checked at each write). */
  duringSweep: number;
  everyMs: number;
  confirmAfterMs: number;
  keys: number;
  writes: WriteTiming[];
  problems: string[];
}

export interface LatencyOptions extends PhaseOptions {
  realtime: boolean;
  writes: number;
  spacingMs: number;
  every: string;
  everyMs: number;
  confirmAfterMs: number;
  keys: number;
  /**
   * Write while sweeps run back to back at this sweep.rate (sweep.every 1 s), as in production
   * where a sweep of a large cache may always be running: real-time checks share the rate.
   */
  sweepingAt?: number;
}

const POLL_MS = 10;

/**
 * Write poisoned keys one at a time while one worker runs, and time each from the write to its
 * finding appearing and to its finding being confirmed in the state DB, seen by a separate
 * connection polling every 10 ms (so a figure is at most ~10 ms plus one query late).
 */
export async function runLatency(o: LatencyOptions, say: (s: string) => void): Promise<LatencyResult> {
  const cacheArgs = o.realtime ? ['--notify-keyspace-events', 'E$hg'] : [];
  return withPhase({ ...o, cacheArgs }, async (p) => {
    await seedSource(p.pool, SOURCE_SCHEMA, o.keys);
    await seedCache(p.cacheRedis, o.keys, 0);
    const sweeping = o.sweepingAt !== undefined;
    const name = sweeping ? 'realtime-sweeping' : o.realtime ? 'realtime' : 'polling';
    const path = p.config(name, { every: sweeping ? '1s' : o.every, realtime: o.realtime, confirmAfter: `${o.confirmAfterMs}ms`, count: 1000, rate: o.sweepingAt });
    const [worker] = await p.spawn(path, 1, 4);
    if (sweeping) {
      await waitFor('a sweep under way', 60_000, async () => ((await sweepRows(p.pool)).some((r) => r.status === 'running') ? true : undefined));
    } else {
      await waitQuiet(p, 1, 60_000);
    }
    if (o.realtime) {
      // Seen from the cache itself: somebody listens to SET events on db 0.
      await waitFor('the worker to subscribe to key events', 20_000, async () => {
        const [, subscribers] = (await p.cacheRedis.call('PUBSUB', 'NUMSUB', '__keyevent@0__:set')) as [string, number];
        return subscribers > 0 ? true : undefined;
      });
    }
    say(`  ${o.realtime ? 'realtime on' : 'realtime off'}: writing ${o.writes} poisoned keys, one every ${o.spacingMs} ms`);

    const perTenant = Math.ceil(o.keys / WATCH_TENANTS);
    const writes: WriteTiming[] = [];
    let duringSweep = 0;
    const watcher = new pg.Client({ connectionString: o.databaseUrl });
    await watcher.connect();
    let stop = false;
    const polling = (async () => {
      while (!stop) {
        const open = writes.filter((w) => w.confirmedAt === undefined);
        if (open.length > 0) {
          const res = await watcher.query<{ key: string; confirmed: boolean; seen: number }>(
            `select key, confirmed, (extract(epoch from last_seen) * 1000)::float8 as seen from ${STATE_SCHEMA}.findings
              where kind = 'cross_tenant_payload' and key = any($1)`,
            [open.map((w) => w.key)],
          );
          const now = Date.now();
          for (const r of res.rows) {
            const w = open.find((x) => x.key === r.key)!;
            w.foundAt ??= now;
            if (r.confirmed) {
              w.confirmedAt = now;
              w.confirmedInDbAt = r.seen;
            }
          }
        }
        await sleep(POLL_MS);
      }
    })();
    // Awaited in `finally`; this only keeps a failed poll from being an unhandled rejection meanwhile.
    polling.catch(() => undefined);
    try {
      const t0 = Date.now();
      for (let i = 0; i < o.writes; i++) {
        // Distinct existing clean keys, each overwritten with the next tenant's payload.
        const t = i % WATCH_TENANTS;
        const id = 1 + (Math.floor(i / WATCH_TENANTS) % perTenant);
        const key = `project:${watchTenant(t)}:${id}`;
        const at = t0 + i * o.spacingMs;
        if (at > Date.now()) await sleep(at - Date.now());
        const payload = projectPayload(id, watchTenant((t + 1) % WATCH_TENANTS));
        writes.push({ key, writtenAt: Date.now() });
        await p.cacheRedis.set(key, payload);
        if (sweeping && (await sweepRows(p.pool)).some((r) => r.status === 'running')) duringSweep++;
      }
      // Everything should be confirmed within a sweep period plus confirm.after; wait 10 s more.
      const limit = (o.realtime ? 1000 : o.everyMs) + o.confirmAfterMs + 10_000;
      await waitFor('every poisoned key to be confirmed', limit, async () => (writes.every((w) => w.confirmedAt !== undefined) ? true : undefined)).catch(() => undefined);
    } finally {
      stop = true;
      await polling;
      await watcher.end();
    }
    return { realtime: o.realtime, sweepingAt: o.sweepingAt, duringSweep, everyMs: o.everyMs, confirmAfterMs: o.confirmAfterMs, keys: o.keys, writes, problems: worker!.problems() };
  });
}

/** Nearest-rank percentile of `xs` (q in 0…1). */
export function percentile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}
