import { rssMb, sleep } from './watch-env.js';
import { SOURCE_SCHEMA, sweepRows, withPhase, type PhaseOptions } from './watch-phase.js';
import { seedCache, seedSource } from './watch-seed.js';

/** One sweep of the memory run, with the worker's RSS when it finished and at its peak. */
export interface SweepMemory {
  n: number;
  scanned: number;
  seconds: number;
  rssEndMb: number;
  rssPeakMb: number;
}

export interface MemoryResult {
  keys: number;
  poisoned: number;
  rssReadyMb: number;
  sweeps: SweepMemory[];
  problems: string[];
}

export interface MemoryOptions extends PhaseOptions {
  keys: number;
  sweeps: number;
  concurrency: number;
  poisonEvery: number;
}

const SAMPLE_MS = 250;

/**
 * One worker process, `sweep.every: 1s` so sweeps run back to back (the scheduler's next job
 * waits while one runs). The worker's VmRSS is read every 250 ms; "after sweep k" is the first
 * sample once the sweeps table shows sweep k done.
 */
export async function runMemory(o: MemoryOptions, say: (s: string) => void): Promise<MemoryResult> {
  return withPhase(o, async (p) => {
    say(`  seeding ${o.keys} keys (every ${o.poisonEvery}th poisoned)…`);
    await seedSource(p.pool, SOURCE_SCHEMA, o.keys);
    const poisoned = (await seedCache(p.cacheRedis, o.keys, o.poisonEvery)).length;
    const path = p.config('memory', { every: '1s', realtime: false, confirmAfter: '2s', count: 1000 });
    const [worker] = await p.spawn(path, 1, o.concurrency);
    const pid = worker!.pid;
    const rssReadyMb = rssMb(pid) ?? NaN;
    const sweeps: SweepMemory[] = [];
    let peak = 0;
    const deadline = Date.now() + 60 * 60_000;
    while (sweeps.length < o.sweeps) {
      if (Date.now() > deadline) throw new Error(`only ${sweeps.length} of ${o.sweeps} sweeps finished within an hour`);
      const rss = rssMb(pid);
      if (rss === undefined) throw new Error(`the worker (pid ${pid}) exited during sweep ${sweeps.length + 1}: ${worker!.problems().slice(-2).join(' | ')}`);
      peak = Math.max(peak, rss);
      const done = (await sweepRows(p.pool)).filter((r) => r.status === 'done');
      for (const r of done.slice(sweeps.length, o.sweeps)) {
        if (r.scanned !== o.keys) throw new Error(`sweep ${r.id} checked ${r.scanned} of ${o.keys} keys`);
        sweeps.push({ n: sweeps.length + 1, scanned: r.scanned, seconds: r.seconds!, rssEndMb: rss, rssPeakMb: peak });
        say(`  sweep ${sweeps.length}: ${r.seconds!.toFixed(1)} s, ${Math.round(r.scanned / r.seconds!)} keys/s, RSS ${rss.toFixed(0)} MB (peak ${peak.toFixed(0)} MB)`);
        peak = rss;
      }
      await sleep(SAMPLE_MS);
    }
    return { keys: o.keys, poisoned, rssReadyMb, sweeps, problems: worker!.problems() };
  });
}

/** Least-squares slope of `ys` over their index: MB per sweep. */
export function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (i - mx) * (y - my);
    den += (i - mx) ** 2;
  });
  return num / den;
}
