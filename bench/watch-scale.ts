import { cpuSecondsByName, machineCpu, postgresBackendsOf, processCpuSeconds, sleep } from './watch-env.js';
import { SOURCE_SCHEMA, STATE_SCHEMA, sweepRows, waitFor, waitQuiet, withPhase, type Phase, type PhaseOptions } from './watch-phase.js';
import { seedCache, seedSource } from './watch-seed.js';

/** CPU seconds each part of the system used during one measured sweep. */
export interface CpuShare {
  workers: number;
  cacheRedis: number;
  queueRedis: number;
  /** The Postgres backends serving the worker processes. */
  postgres: number;
  /** Every Postgres process, other sessions' included. */
  postgresAll: number;
  /** Every process on the machine (other sessions' work included). */
  machine: number;
  machineTotal: number;
}

export interface ScaleRun {
  processes: number;
  round: number;
  scanned: number;
  seconds: number;
  keysPerSec: number;
  cpu: CpuShare;
  /** Check queue sampled every 50 ms during the sweep: mean jobs running, share of samples with none waiting. */
  checkActiveMean: number;
  checkQueueEmptyShare: number;
}

export interface ScaleResult {
  keys: number;
  poisoned: number;
  concurrency: number;
  runs: ScaleRun[];
  problems: string[];
}

export interface ScaleOptions extends PhaseOptions {
  keys: number;
  rounds: number;
  concurrency: number;
  poisonEvery: number;
}

/**
 * Same keyspace, same queue: one worker process, then two, alternating for `rounds`. Each
 * configuration starts from an empty state schema, lets the sweep its processes start on their
 * own run as a warm-up (findings created, confirmations done), then requests one sweep and
 * measures it from the sweeps table (scanned / (finished_at - started_at)).
 */
export async function runScale(o: ScaleOptions, say: (s: string) => void): Promise<ScaleResult> {
  return withPhase(o, async (p) => {
    say(`  seeding ${o.keys} keys (every ${o.poisonEvery}th poisoned)…`);
    await seedSource(p.pool, SOURCE_SCHEMA, o.keys);
    const poisoned = (await seedCache(p.cacheRedis, o.keys, o.poisonEvery)).length;
    const path = p.config('scale', { every: '1h', realtime: false, confirmAfter: '1s', count: 1000 });
    const runs: ScaleRun[] = [];
    const problems: string[] = [];
    // Autovacuum of the freshly seeded table must not land in a measured sweep.
    await p.pool.query(`vacuum analyze ${SOURCE_SCHEMA}.projects`);
    for (let round = 1; round <= o.rounds; round++) {
      // 1, 2, then 2, 1: whatever drifts during the run weighs on both sides alike.
      for (const n of round % 2 === 1 ? [1, 2] : [2, 1]) {
        await p.reset();
        const workers = await p.spawn(path, n, o.concurrency);
        const before = await waitQuiet(p, 1, 600_000);
        // Confirmations of the warm-up's findings (confirm.after 1 s) settle before measuring.
        await waitFor('warm-up confirmations', 60_000, async () => ((await pendingConfirmations(p)) === 0 ? true : undefined));
        const lastId = Math.max(...before.map((r) => r.id));
        const pids = workers.map((w) => w.pid);
        const backends0 = await backendsOf(p, pids);
        const cpu0 = snapshot(p, pids, backends0);
        await p.requestSweep(`bench-${round}-${n}`);
        let sampling = true;
        const samples: { waiting: number; active: number }[] = [];
        const sampler = (async () => {
          while (sampling) {
            const c = await p.checkQueue.getJobCounts('waiting', 'prioritized', 'active');
            samples.push({ waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0 });
            await sleep(50);
          }
        })();
        // Awaited below; this only keeps an interrupted sampler from being an unhandled rejection meanwhile.
        sampler.catch(() => undefined);
        const row = await waitFor('the measured sweep', 600_000, async () => (await sweepRows(p.pool)).find((r) => r.id > lastId && r.status === 'done'), 100).finally(() => (sampling = false));
        await sampler;
        // The walk's first and last moments (job pick-up, waiting for the last batches) are not the steady state.
        const steady = samples.slice(Math.floor(samples.length * 0.1), Math.ceil(samples.length * 0.9));
        const cpu1 = snapshot(p, pids, [...new Set([...backends0, ...(await backendsOf(p, pids))])], cpu0.perBackend);
        if (row.scanned !== o.keys) throw new Error(`the measured sweep checked ${row.scanned} of ${o.keys} keys`);
        const found = await openCritical(p);
        if (found !== poisoned) throw new Error(`${found} open critical findings, expected ${poisoned}`);
        const run: ScaleRun = {
          processes: n,
          round,
          scanned: row.scanned,
          seconds: row.seconds!,
          keysPerSec: row.scanned / row.seconds!,
          cpu: diff(cpu0, cpu1),
          checkActiveMean: steady.reduce((a, x) => a + x.active, 0) / Math.max(1, steady.length),
          checkQueueEmptyShare: steady.filter((x) => x.waiting === 0).length / Math.max(1, steady.length),
        };
        runs.push(run);
        say(`  round ${round}, ${n} process${n > 1 ? 'es' : ''}: ${Math.round(run.keysPerSec)} keys/s (${run.seconds.toFixed(1)} s)`);
        problems.push(...workers.flatMap((w) => w.problems()));
      }
    }
    return { keys: o.keys, poisoned, concurrency: o.concurrency, runs, problems };
  });
}

async function pendingConfirmations(p: Phase): Promise<number> {
  const res = await p.pool.query<{ n: string }>(`select count(*)::text as n from ${STATE_SCHEMA}.findings where severity = 'critical' and status <> 'resolved' and not confirmed`);
  return Number(res.rows[0]!.n);
}

async function openCritical(p: Phase): Promise<number> {
  const res = await p.pool.query<{ n: string }>(`select count(*)::text as n from ${STATE_SCHEMA}.findings where severity = 'critical' and status <> 'resolved' and confirmed`);
  return Number(res.rows[0]!.n);
}

async function backendsOf(p: Phase, pids: number[]): Promise<number[]> {
  return postgresBackendsOf(pids, async (ports) => (await p.pool.query<{ pid: number }>('select pid from pg_stat_activity where client_port = any($1)', [ports])).rows.map((r) => r.pid));
}

/**
 * CPU counters now. A backend that ended since `before` keeps its earlier figure (its last
 * moments are lost, never counted negative); one that started since counts from zero.
 */
function snapshot(p: Phase, workerPids: number[], backends: number[], before?: Map<number, number>): CpuShare & { perBackend: Map<number, number> } {
  const m = machineCpu();
  const perBackend = new Map(backends.map((pid) => [pid, processCpuSeconds(pid) || before?.get(pid) || 0]));
  return {
    workers: workerPids.reduce((a, pid) => a + processCpuSeconds(pid), 0),
    cacheRedis: processCpuSeconds(p.cache.pid),
    queueRedis: processCpuSeconds(p.queue.pid),
    postgres: [...perBackend.entries()].reduce((a, [pid, v]) => a + v - (before ? (before.get(pid) ?? 0) : 0), 0),
    postgresAll: cpuSecondsByName('postgres'),
    machine: m.busy,
    machineTotal: m.total,
    perBackend,
  };
}

function diff(a: CpuShare, b: CpuShare): CpuShare {
  return {
    workers: b.workers - a.workers,
    cacheRedis: b.cacheRedis - a.cacheRedis,
    queueRedis: b.queueRedis - a.queueRedis,
    // b.postgres is already the backends' CPU since `a`.
    postgres: b.postgres,
    postgresAll: b.postgresAll - a.postgresAll,
    machine: b.machine - a.machine,
    machineTotal: b.machineTotal - a.machineTotal,
  };
}
