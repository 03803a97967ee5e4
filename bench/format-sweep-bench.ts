/**
 * `npm run bench:format-sweep [-- --keys 200000 --rounds 3 --port 6391 --only json,xz --decode-threads 0 --node-flags "…"]`: whole sweeps
 * (`runScan`, sweep.rate 0, count 1000, 4 batches in flight) of the same keyspace holding each
 * framework's bytes in turn, against the same sweep of JSON values — issue 5's target measured as
 * it is stated ("no format's decode cost caps a sweep below half the JSON figure"), in one run.
 *
 * Keys `project:{tenant}:{id}` and the `bench.projects` owners are bench:scan's (200 tenants,
 * each id owned by all of them). Each format's value is the like-for-like record of
 * test/fixtures/frameworks/like-for-like/ as that framework's real serializer wrote it, with the
 * record's tenant ("tenant-042", the same length as every bench tenant) replaced by the key's
 * tenant; django-redis's zlib values are recompressed with Node's zlib, its xz values with
 * Python's lzma (python3; the row is skipped without it). Every sweep must check every key and
 * find nothing. The CPU column counts every thread of the sweeping process, decompression
 * threads included. Formats alternate in a rotated order each round; each keeps its best round.
 * Not here: go-redis/cache (its S2 bytes cannot be re-tenanted without an S2 encoder) and .NET
 * (a hash, not a string); bench:decode has both, each decoding at about JSON's rate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseConfigText } from '../src/config/load-config.js';
import { cpuBudget } from '../src/decode/threads/decompress-pool.js';
import { openScanSession } from '../src/scan/open-scan-context.js';
import { runScan } from '../src/scan/run-scan.js';
import { BENCH_DATABASE_URL, benchArg, startBenchRedis } from './bench-env.js';
import { retenanted, xzOf, zlibOf } from './like-for-like-values.js';
import { BENCH_TENANT_IDS, BENCH_TENANTS, seedBench, tenantId } from './seed-bench.js';



interface SweepFormat {
  label: string;
  format: string;
  /** The stored bytes for one tenant. */
  valueFor(tenant: string): Buffer;
}

function sweepFormats(): SweepFormat[] {
  const pickle = retenanted('pickle.bin');
  const formats: SweepFormat[] = [
    { label: 'JSON (baseline)', format: 'json', valueFor: retenanted('json.bin') },
    { label: 'Keyv 4 envelope', format: 'keyv', valueFor: retenanted('keyv.bin') },
    { label: 'MessagePack', format: 'msgpack', valueFor: retenanted('msgpack.bin') },
    { label: 'pickle 4 (django-redis)', format: 'pickle', valueFor: pickle },
    { label: 'pickle 5 (Flask-Caching)', format: 'pickle', valueFor: retenanted('pickle-cachelib.bin') },
    { label: 'pickle 4 + zlib (django-redis)', format: 'pickle', valueFor: zlibOf(pickle) },
  ];
  const xz = xzOf(pickle, BENCH_TENANT_IDS);
  if (xz) formats.push({ label: 'pickle 4 + xz (django-redis)', format: 'pickle', valueFor: xz });
  else process.stderr.write('python3 with lzma not found: the xz row is skipped\n');
  formats.push(
    { label: 'Rails 7.1 (Marshal)', format: 'rails', valueFor: retenanted('rails.bin') },
    { label: 'PHP serialize (Laravel)', format: 'php', valueFor: retenanted('php.bin') },
    { label: 'Java serialization (Spring)', format: 'java', valueFor: retenanted('java.bin') },
  );
  return formats;
}

/** Overwrites every key with its tenant's value in `f` (keys as seedBench wrote them). */
async function storeValues(redis: Redis, keys: number, f: SweepFormat): Promise<void> {
  const perTenant = Math.ceil(keys / BENCH_TENANTS);
  let written = 0;
  for (let t = 0; t < BENCH_TENANTS && written < keys; t++) {
    const tenant = tenantId(t);
    const value = f.valueFor(tenant);
    for (let i = 1; i <= perTenant && written < keys; i += 1000) {
      const args: (string | Buffer)[] = [];
      for (let id = i; id < i + 1000 && id <= perTenant && written < keys; id++, written++) args.push(`project:${tenant}:${id}`, value);
      await redis.mset(...args);
    }
  }
}

interface PhaseResult {
  keys: number;
  seconds: number;
  /** CPU seconds (user + system) the sweeping process spent, decode included. */
  cpuSeconds: number;
  /** CPU seconds of its main thread alone (Linux; NaN elsewhere): the event loop's share. */
  mainCpuSeconds: number;
  problems: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of the calling thread from /proc (Linux), in seconds; NaN elsewhere. */
function mainThreadCpuSeconds(): number {
  if (!existsSync('/proc/thread-self/stat')) return NaN;
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5), counted from the state field (3).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** One sweep in this (child) process: keys checked, seconds, its CPU time, problems found. */
async function runPhase(redisUrl: string, format: string, decodeThreads: number | undefined): Promise<PhaseResult> {
  const config = parseConfigText(
    `cache: { url: "${redisUrl}" }
source: { url: "${BENCH_DATABASE_URL}", statementTimeout: 30s }
sweep: { rate: 0, count: 1000 }
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    format: ${format}
    marker: $.tenant_id
    owner: { table: bench.projects, tenant: tenant_id, match: { id: project_id } }
`,
    {},
  );
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const mainStart = mainThreadCpuSeconds();
  const session = await openScanSession(config, { decodeThreads });
  const report = await runScan(session.ctx, session.cache, { concurrency: 4 });
  await session.close();
  const cpu = process.cpuUsage(cpuStart);
  return {
    keys: report.scanned,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    mainCpuSeconds: mainThreadCpuSeconds() - mainStart,
    problems: report.findings.length + report.unchecked.total,
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--phase')) {
    const threads = benchArg('decode-threads', '');
    process.stdout.write(JSON.stringify(await runPhase(benchArg('redis-url', ''), benchArg('format', 'json'), threads === '' ? undefined : Number(threads))));
    return;
  }
  const keys = Number(benchArg('keys', '200000'));
  const rounds = Number(benchArg('rounds', '3'));
  // --only: rows whose label contains one of these words (JSON, the baseline, always runs);
  // --node-flags: V8/Node flags for the sweeping child processes, for investigations.
  const only = benchArg('only', '').split(',').filter(Boolean).map((w) => w.toLowerCase());
  const formats = sweepFormats().filter((f, i) => i === 0 || only.length === 0 || only.some((w) => f.label.toLowerCase().includes(w)));
  const nodeFlags = benchArg('node-flags', '').split(' ').filter(Boolean);
  // --decode-threads: the sweep's decompression threads (0: decompress on the sweep's own
  // thread); by default, what `scan` and the service start (one fewer than the cores, ≤ 4).
  const decodeThreads = benchArg('decode-threads', '');
  if (decodeThreads !== '' && !/^\d+$/.test(decodeThreads)) throw new Error(`--decode-threads must be a whole number, got "${decodeThreads}"`);
  const phaseArgs = decodeThreads === '' ? [] : ['--decode-threads', decodeThreads];
  const server = await startBenchRedis(Number(benchArg('port', '6391')));
  const redis = new Redis(server.url);
  const pool = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max: 2 });
  try {
    process.stderr.write(`seeding ${keys} keys and their owners…\n`);
    await seedBench(redis, pool, keys);
    const best = new Map<string, number>();
    const leastCpu = new Map<string, number>();
    const leastMainCpu = new Map<string, number>();
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round, so no format always follows the same one.
      const order = formats.map((_, i) => formats[(i + r) % formats.length]!);
      for (const f of order) {
        await storeValues(redis, keys, f);
        const out = execFileSync(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), '--phase', '--redis-url', server.url, '--format', f.format, ...phaseArgs], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const res = JSON.parse(out) as PhaseResult;
        if (res.keys < keys) throw new Error(`${f.label}: the sweep saw only ${res.keys} of ${keys} keys`);
        if (res.problems !== 0) throw new Error(`${f.label}: ${res.problems} findings or unchecked keys on a clean keyspace`);
        const rate = res.keys / res.seconds;
        const cpuPerKey = (res.cpuSeconds / res.keys) * 1e6;
        best.set(f.label, Math.max(best.get(f.label) ?? 0, rate));
        const mainPerKey = (res.mainCpuSeconds / res.keys) * 1e6;
        leastCpu.set(f.label, Math.min(leastCpu.get(f.label) ?? Infinity, cpuPerKey));
        leastMainCpu.set(f.label, Math.min(leastMainCpu.get(f.label) ?? Infinity, mainPerKey));
        process.stderr.write(`  round ${r + 1} ${f.label}: ${Math.round(rate)} keys/s, ${cpuPerKey.toFixed(1)} µs CPU/key (${mainPerKey.toFixed(1)} on the main thread)\n`);
      }
    }
    const json = best.get(formats[0]!.label)!;
    const jsonCpu = leastCpu.get(formats[0]!.label)!;
    const jsonMain = leastMainCpu.get(formats[0]!.label)!;
    const lines = [
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
      `whole sweeps of ${keys} keys, best of ${rounds} rounds (sweep.rate 0, count 1000, 4 batches in flight, decompression threads: ${decodeThreads === '' ? `default, ${Math.max(0, Math.min(4, cpuBudget() - 1))}` : decodeThreads})`,
      // The CPU columns: the sweeping process's CPU time per key, all threads (least of the
      // rounds), and JSON's over it — the rate one core would sweep at, which a busy neighbour
      // slows less than it slows wall-clock rates; then its main thread's alone, the event
      // loop that bounds a sweep when cores are spare and decompression runs on threads.
      '| values | keys/s | sweep vs JSON sweep | target ≥ 0.5 | sweeper CPU µs/key | CPU rate vs JSON | main thread µs/key | main-thread rate vs JSON |',
      '|---|---|---|---|---|---|---|---|',
      ...formats.map((f) => {
        const ratio = best.get(f.label)! / json;
        const cpu = leastCpu.get(f.label)!;
        const main = leastMainCpu.get(f.label)!;
        return `| ${f.label} (\`${f.format}\`) | ${Math.round(best.get(f.label)!)} | ${ratio.toFixed(2)} | ${ratio >= 0.5 ? 'met' : '**missed**'} | ${cpu.toFixed(1)} | ${(jsonCpu / cpu).toFixed(2)} | ${main.toFixed(1)} | ${(jsonMain / main).toFixed(2)} |`;
      }),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    redis.disconnect();
    await pool.query('DROP SCHEMA IF EXISTS bench CASCADE').catch(() => undefined);
    await pool.end();
    await server.stop();
  }
}

await main();
