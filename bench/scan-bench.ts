/**
 * `npm run bench [-- --keys N] [-- --rounds R]`: seeds N keys (default 1,000,000) into a Redis
 * of its own and the `bench` schema of DATABASE_URL, then measures in the same run, each phase
 * in a child process of its own (so peak RSS is the phase's own):
 *   (a) floor: the minimal hand-written loop (bench/floor-loop.ts)
 *   (b) scan:  tenantwatch's runScan with sweep.rate 0
 * and prints keys/s, the ratio (b)/(a), peak RSS, and Redis CPU per million keys.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseConfigText } from '../src/config/load-config.js';
import { openScanSession } from '../src/scan/open-scan-context.js';
import { runScan } from '../src/scan/run-scan.js';
import { BENCH_DATABASE_URL, benchArg, redisCpuSeconds, startBenchRedis } from './bench-env.js';
import { floorLoop } from './floor-loop.js';
import { seedBench } from './seed-bench.js';



interface PhaseResult {
  keys: number;
  seconds: number;
  maxRssMb: number;
  findings: number;
}

async function runPhase(phase: string, redisUrl: string): Promise<PhaseResult> {
  const started = performance.now();
  const pool = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max: 4 });
  let keys = 0;
  let findings = 0;
  if (phase === 'floor') {
    const redis = new Redis(redisUrl);
    const r = await floorLoop(redis, pool);
    keys = r.keys;
    findings = r.mismatches;
    redis.disconnect();
  } else {
    const config = parseConfigText(
      `cache: { url: "${redisUrl}" }
source: { url: "${BENCH_DATABASE_URL}", statementTimeout: 30s }
sweep: { rate: 0, count: 1000 }
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: bench.projects, tenant: tenant_id, match: { id: project_id } }
`,
      {},
    );
    const session = await openScanSession(config);
    const report = await runScan(session.ctx, session.cache, { concurrency: Number(benchArg('concurrency', '4')) });
    keys = report.scanned;
    findings = report.findings.length + report.unchecked.total;
    await session.close();
  }
  await pool.end();
  return { keys, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, findings };
}

async function main(): Promise<void> {
  const phase = benchArg('phase', '');
  if (phase) {
    process.stdout.write(JSON.stringify(await runPhase(phase, benchArg('redis-url', ''))));
    return;
  }
  const keys = Number(benchArg('keys', '1000000'));
  const rounds = Number(benchArg('rounds', '2'));
  const server = await startBenchRedis(Number(benchArg('port', '6390')));
  const redis = new Redis(server.url);
  const pool = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max: 2 });
  try {
    process.stderr.write(`seeding ${keys} keys and ${keys} project rows…\n`);
    await seedBench(redis, pool, keys, (n) => n % 200_000 === 0 && process.stderr.write(`  ${n}\n`));
    const results: Record<string, { keysPerSec: number; rssMb: number; cpuUsPerKey: number }[]> = { floor: [], scan: [] };
    for (let r = 0; r < rounds; r++) {
      for (const p of ['floor', 'scan']) {
        const cpu0 = await redisCpuSeconds(redis);
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', p, '--redis-url', server.url], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const cpu1 = await redisCpuSeconds(redis);
        const res = JSON.parse(out) as PhaseResult;
        if (res.keys < keys * 0.99) throw new Error(`${p} saw only ${res.keys} of ${keys} keys`);
        if (res.findings !== 0) throw new Error(`${p} reported ${res.findings} problems on a clean keyspace`);
        results[p]!.push({ keysPerSec: res.keys / res.seconds, rssMb: res.maxRssMb, cpuUsPerKey: ((cpu1 - cpu0) / res.keys) * 1e6 });
        process.stderr.write(`  round ${r + 1} ${p}: ${Math.round(res.keys / res.seconds)} keys/s, peak RSS ${res.maxRssMb.toFixed(0)} MB, Redis CPU ${(((cpu1 - cpu0) / res.keys) * 1e6).toFixed(2)} µs/key\n`);
      }
    }
    const best = (p: string) => results[p]!.reduce((a, b) => (b.keysPerSec > a.keysPerSec ? b : a));
    const f = best('floor');
    const s = best('scan');
    const ratioCpu = results.scan!.map((x, i) => x.cpuUsPerKey / results.floor![i]!.cpuUsPerKey);
    const lines = [
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
      `keys: ${keys}`,
      `| run | keys/s (best of ${rounds}) | peak RSS | Redis CPU per 1M keys |`,
      `|---|---|---|---|`,
      `| (a) minimal loop | ${Math.round(f.keysPerSec)} | ${Math.round(f.rssMb)} MB | ${f.cpuUsPerKey.toFixed(2)} s |`,
      `| (b) tenantwatch scan | ${Math.round(s.keysPerSec)} | ${Math.round(s.rssMb)} MB | ${s.cpuUsPerKey.toFixed(2)} s |`,
      `ratio (b)/(a) keys/s: ${(s.keysPerSec / f.keysPerSec).toFixed(2)}   (target ≥ 0.8)`,
      `Redis CPU (b)/(a) per round: ${ratioCpu.map((r) => r.toFixed(2)).join(', ')}   (target ≤ 1.5)`,
      `peak RSS (b): ${Math.max(...results.scan!.map((x) => x.rssMb)).toFixed(0)} MB   (target ≤ 256 MB)`,
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
