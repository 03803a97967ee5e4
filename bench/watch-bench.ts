/**
 * `npm run bench:watch [-- --only realtime,polling,scale,memory] [-- --port 7461]`: the
 * watchdog targets of issue 3, measured against `tenantwatch start --worker` processes spawned
 * as an operator runs them, each phase with a private cache Redis (port) and queue Redis
 * (port + 1), the state schema tw_watch_bench_state_<pid> and the source schema
 * tw_watch_bench_src_<pid> of DATABASE_URL, all removed afterwards.
 *
 *   realtime  realtime.keyspaceEvents on (notify-keyspace-events E$hg at launch),
 *             confirm.after 2 s: 100 poisoned writes 200 ms apart, each timed from the write
 *             to its finding being confirmed in the state DB.          target p99 ≤ 1 s + confirm.after
 *   realtime-sweeping  the same while sweeps of 200k keys run back to back at sweep.rate 5000
 *             (a sweep of a large cache may always be running): real-time reads share the rate.
 *   polling   realtime off, sweep.every 5 s: 10 poisoned writes 3.3 s apart.  target ≤ one sweep period
 *   scale     sweep.rate 0, 200k keys: keys/s of a full sweep with one worker process vs two,
 *             alternating, with each part's CPU.                      target ≥ 1.7× (or the limit explained)
 *   memory    one worker, 10 back-to-back sweeps of 1M keys, VmRSS after sweep 1 vs 10.  target flat
 */
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { BENCH_DATABASE_URL, benchArg } from './bench-env.js';
import { benchAbort } from './watch-env.js';
import { percentile, runLatency, type LatencyResult } from './watch-latency.js';
import { runMemory, slope, type MemoryResult } from './watch-memory.js';
import { runScale, type ScaleResult, type ScaleRun } from './watch-scale.js';


const num = (name: string, fallback: number) => Number(benchArg(name, String(fallback)));
const say = (s: string) => void process.stderr.write(s + '\n');

async function main(): Promise<void> {
  const only = new Set(benchArg('only', 'realtime,realtime-sweeping,polling,scale,memory').split(','));
  const base = { databaseUrl: BENCH_DATABASE_URL, port: num('port', 7461) };
  const out: string[] = [header()];

  if (only.has('realtime')) {
    say('realtime: keyspace events on');
    const r = await runLatency({ ...base, realtime: true, writes: num('writes', 100), spacingMs: 200, every: '1h', everyMs: 3_600_000, confirmAfterMs: 2000, keys: 20_000 }, say);
    out.push(...latencyTable(r));
  }
  if (only.has('realtime-sweeping')) {
    say('realtime while sweeping: keyspace events on, sweeps back to back at sweep.rate 5000');
    const r = await runLatency({ ...base, realtime: true, writes: num('writes', 100), spacingMs: 200, every: '1s', everyMs: 1000, confirmAfterMs: 2000, keys: 200_000, sweepingAt: 5000 }, say);
    out.push(...latencyTable(r));
  }
  if (only.has('polling')) {
    say('polling: keyspace events off, sweep.every 5 s');
    const r = await runLatency({ ...base, realtime: false, writes: num('polling-writes', 10), spacingMs: 3300, every: '5s', everyMs: 5000, confirmAfterMs: 2000, keys: 20_000 }, say);
    out.push(...latencyTable(r));
  }
  if (only.has('scale')) {
    say('scale: one worker process vs two');
    const r = await runScale({ ...base, keys: num('scale-keys', 200_000), rounds: num('rounds', 2), concurrency: num('concurrency', 4), poisonEvery: 1000 }, say);
    out.push(...scaleTable(r));
  }
  if (only.has('memory')) {
    say('memory: consecutive sweeps in one worker process');
    const r = await runMemory({ ...base, keys: num('memory-keys', 1_000_000), sweeps: num('sweeps', 10), concurrency: num('concurrency', 4), poisonEvery: 1000 }, say);
    out.push(...memoryTable(r));
  }
  process.stdout.write(out.join('\n') + '\n');
}

function header(): string {
  // BENCH_COMMIT names the commit when the bench runs from an exported tree (git archive).
  let commit = process.env.BENCH_COMMIT ?? 'unknown';
  try {
    commit = process.env.BENCH_COMMIT ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Outside a git checkout the figures still print; the commit is then unknown.
  }
  return `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, commit ${commit}`;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function latencyTable(r: LatencyResult): string[] {
  const done = r.writes.filter((w) => w.confirmedAt !== undefined);
  const confirmed = done.map((w) => w.confirmedAt! - w.writtenAt);
  const inDb = done.map((w) => w.confirmedInDbAt! - w.writtenAt);
  const found = r.writes.filter((w) => w.foundAt !== undefined).map((w) => w.foundAt! - w.writtenAt);
  const lines = [
    '',
    r.realtime
      ? `realtime on (confirm.after ${s(r.confirmAfterMs)}, ${r.keys} keys${r.sweepingAt !== undefined ? `, sweeps back to back at sweep.rate ${r.sweepingAt}: ${r.duringSweep} of the writes made while a sweep ran` : ''}): ${r.writes.length} poisoned writes, ${done.length} confirmed`
      : `realtime off (sweep.every ${s(r.everyMs)}, confirm.after ${s(r.confirmAfterMs)}, ${r.keys} keys): ${r.writes.length} poisoned writes, ${done.length} confirmed`,
    '| write → | p50 | p99 | max |',
    '|---|---|---|---|',
    `| finding stored | ${s(percentile(found, 0.5))} | ${s(percentile(found, 0.99))} | ${s(Math.max(...found))} |`,
    `| confirmed (polled, 10 ms) | ${s(percentile(confirmed, 0.5))} | ${s(percentile(confirmed, 0.99))} | ${s(Math.max(...confirmed))} |`,
    `| confirmed (confirming tx start) | ${s(percentile(inDb, 0.5))} | ${s(percentile(inDb, 0.99))} | ${s(Math.max(...inDb))} |`,
  ];
  if (r.realtime) {
    const p99 = percentile(confirmed, 0.99) - r.confirmAfterMs;
    lines.push(`confirmed minus confirm.after: p50 ${s(percentile(confirmed, 0.5) - r.confirmAfterMs)}, p99 ${s(p99)}   (target p99 ≤ 1 s) → ${done.length === r.writes.length && p99 <= 1000 ? 'met' : 'NOT met'}`);
  } else {
    const maxFound = Math.max(...found);
    lines.push(`max found ${s(maxFound)} vs sweep.every ${s(r.everyMs)} → ${done.length === r.writes.length && maxFound <= r.everyMs ? 'met' : 'NOT met'}; max confirmed ${s(Math.max(...confirmed))} vs sweep.every + confirm.after ${s(r.everyMs + r.confirmAfterMs)}`);
  }
  if (r.problems.length > 0) lines.push(`worker warnings/errors: ${r.problems.length} (first: ${r.problems[0]!.slice(0, 200)})`);
  return lines;
}

function scaleTable(r: ScaleResult): string[] {
  const best = (n: number) => r.runs.filter((x) => x.processes === n).reduce<ScaleRun | undefined>((a, b) => (!a || b.keysPerSec > a.keysPerSec ? b : a), undefined)!;
  const pct = (cpu: number, x: ScaleRun) => `${Math.round((cpu / x.seconds) * 100)}%`;
  const lines = [
    '',
    `scale-out (${r.keys} keys, ${r.poisoned} poisoned, sweep.rate 0, count 1000, --concurrency ${r.concurrency} per process); CPU as % of one core over the sweep (machine: ${cpus().length} cores = ${cpus().length * 100}%)`,
    '| round | processes | keys/s | sweep | workers | cache Redis | queue Redis | their Postgres backends | all of these | other work on the machine | worker CPU ms / 1k keys | all of these ms / 1k keys | check jobs running (of slots) | check queue empty |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map((x) => {
      const ours = x.cpu.workers + x.cpu.cacheRedis + x.cpu.queueRedis + x.cpu.postgres;
      return `| ${x.round} | ${x.processes} | ${Math.round(x.keysPerSec)} | ${x.seconds.toFixed(1)} s | ${pct(x.cpu.workers, x)} | ${pct(x.cpu.cacheRedis, x)} | ${pct(x.cpu.queueRedis, x)} | ${pct(x.cpu.postgres, x)} | ${pct(ours, x)} | ${pct(Math.max(0, x.cpu.machine - ours), x)} | ${((x.cpu.workers / x.scanned) * 1e6).toFixed(1)} | ${((ours / x.scanned) * 1e6).toFixed(1)} | ${x.checkActiveMean.toFixed(1)} of ${x.processes * r.concurrency} | ${Math.round(x.checkQueueEmptyShare * 100)}% |`;
    }),
  ];
  const rounds = [...new Set(r.runs.map((x) => x.round))];
  const perRound = rounds.map((k) => {
    const one = r.runs.find((x) => x.round === k && x.processes === 1)!;
    const two = r.runs.find((x) => x.round === k && x.processes === 2)!;
    return two.keysPerSec / one.keysPerSec;
  });
  const ratio = best(2).keysPerSec / best(1).keysPerSec;
  lines.push(`two processes / one, best of each: ${ratio.toFixed(2)}× (per round: ${perRound.map((x) => x.toFixed(2)).join(', ')})   (target ≥ 1.7×) → ${ratio >= 1.7 ? 'met' : 'NOT met'}`);
  if (r.problems.length > 0) lines.push(`worker warnings/errors: ${r.problems.length} (first: ${r.problems[0]!.slice(0, 200)})`);
  return lines;
}

function memoryTable(r: MemoryResult): string[] {
  const ends = r.sweeps.map((x) => x.rssEndMb);
  const first = r.sweeps[0]!;
  const last = r.sweeps[r.sweeps.length - 1]!;
  const trend = slope(ends.slice(1));
  const flat = last.rssEndMb <= first.rssEndMb * 1.1 && trend < 2;
  const lines = [
    '',
    `memory (one worker process, ${r.sweeps.length} consecutive sweeps of ${r.keys} keys, ${r.poisoned} poisoned; RSS at ready ${r.rssReadyMb.toFixed(0)} MB)`,
    '| sweep | seconds | keys/s | RSS after | peak RSS during |',
    '|---|---|---|---|---|',
    ...r.sweeps.map((x) => `| ${x.n} | ${x.seconds.toFixed(1)} | ${Math.round(x.scanned / x.seconds)} | ${x.rssEndMb.toFixed(0)} MB | ${x.rssPeakMb.toFixed(0)} MB |`),
    `RSS after sweep 1: ${first.rssEndMb.toFixed(0)} MB, after sweep ${last.n}: ${last.rssEndMb.toFixed(0)} MB (${(((last.rssEndMb - first.rssEndMb) / first.rssEndMb) * 100).toFixed(1)}%); trend over sweeps 2…${last.n}: ${trend.toFixed(2)} MB/sweep   (flat: ≤ +10% and < 2 MB/sweep) → ${flat ? 'met' : 'NOT met'}`,
  ];
  if (r.problems.length > 0) lines.push(`worker warnings/errors: ${r.problems.length} (first: ${r.problems[0]!.slice(0, 200)})`);
  return lines;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => benchAbort.abort());
try {
  await main();
} catch (err) {
  process.stderr.write(`bench:watch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
