/**
 * The watchdog's fault list (issue 3): a worker killed mid-sweep, Postgres and Redis restarting
 * under the service, two `start` processes at once, and a graceful stop mid-sweep. Each runs the
 * CLI as operators do (`tenantwatch start --worker`, the built bin, a real config file) against
 * its own redis-server (cache and queue Redis), its own state schema, and, for Postgres
 * restarts, a proxy that cuts this file's connections only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPgProxy, type PgProxy } from '../helpers/pg-proxy.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { seedOwners } from '../helpers/scan-fixture.js';

const BIN = fileURLToPath(new URL('../../bin/tenantwatch.js', import.meta.url));
const MIGRATIONS = readdirSync(fileURLToPath(new URL('../../migrations/', import.meta.url))).filter((f) => f.endsWith('.sql')).sort();
// Clean keys of acme's projects 100001…; their rows exist, so each needs an owner query.
const KEYS = 3000;
// globex's own projects cached with acme's marker: cross-tenant payloads, critical.
const POISONED = [200001, 200002, 200003, 200004, 200005].map((id) => `project:globex:${id}`);
// A killed worker's jobs are taken over once their lock expires; 2 s keeps the tests short while
// leaving a loaded CI machine room to renew the locks of jobs that are still alive.
const JOB_LOCK_MS = 2000;
// Generous "it happens at all" deadlines, never timing assertions.
const SWEEP_DEADLINE_MS = 30_000;

let source: PgSchema;
let dir: string;
const children = new Set<ChildProcess>();
const servers: PrivateRedis[] = [];
const proxies: PgProxy[] = [];
const stateSchemas: string[] = [];

beforeAll(async () => {
  source = await usePgSchema();
  await seedOwners(source.pool, source.schema);
  await source.pool.query(`
    INSERT INTO ${source.schema}.projects SELECT 'acme', g, 'bulk' FROM generate_series(100001, ${100000 + KEYS}) g;
    INSERT INTO ${source.schema}.projects SELECT 'globex', g, 'theirs' FROM generate_series(200001, 200005) g;
  `);
  dir = mkdtempSync(join(tmpdir(), 'tw-worker-faults-'));
});

/** Each test's workers, servers and proxies: gone after it, whether it passed or not. */
async function stopEverything(): Promise<void> {
  // Workers first: they hold connections and locks in the schemas dropped below.
  await Promise.all(
    [...children].map(async (child) => {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }),
  );
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const proxy of proxies.splice(0)) proxy.close();
}

afterEach(stopEverything);

afterAll(async () => {
  await stopEverything();
  for (const schema of stateSchemas) await source?.pool.query(`drop schema if exists ${schema} cascade`);
  await source?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** One pino JSON line of a worker's stdout. */
interface LogLine {
  msg: string;
  sweepId?: number;
  queue?: string;
  [field: string]: unknown;
}

/** A `tenantwatch start --worker` process and what it has logged so far. */
interface WorkerProcess {
  child: ChildProcess;
  lines: LogLine[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
  /** The first line with this message (a prefix) that `match` accepts, once logged. */
  waitLog(msg: string, match?: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  has(msg: string, match?: (l: LogLine) => boolean): boolean;
}

/** A worker process; its /metrics listener is off unless a port is given (they share a machine). */
function startWorker(config: string, metricsPort = 0): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'start', '--worker', '--concurrency', '2', '--metrics-port', String(metricsPort), '--config', config], {
    env: { ...process.env, TENANTWATCH_DEBUG: '', LOG_LEVEL: 'info', TENANTWATCH_JOB_LOCK_MS: String(JOB_LOCK_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: LogLine[] = [];
  let raw = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    raw += d.toString();
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ msg: `(not JSON) ${p}` });
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (raw += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const find = (msg: string, match?: (l: LogLine) => boolean) => lines.find((l) => l.msg.startsWith(msg) && (!match || match(l)));
  return {
    child,
    lines,
    exited,
    output: () => raw,
    has: (msg, match) => find(msg, match) !== undefined,
    async waitLog(msg, match, timeoutMs = SWEEP_DEADLINE_MS) {
      const line = await waitFor(`"${msg}" in the worker's log`, async () => find(msg, match), timeoutMs).catch((err: Error) => {
        throw new Error(`${err.message}\n--- worker output (exit ${child.exitCode ?? child.signalCode}):\n${raw.slice(-6000)}`);
      });
      return line;
    },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = SWEEP_DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A test's world: its own redis-server seeded with the keys, its own state schema, a config file. */
interface World {
  redis: PrivateRedis;
  state: string;
  config: string;
  sweeps(): Promise<{ id: number; reason: string; status: string; scanned: number; started_at: Date; finished_at: Date | null }[]>;
  sweep(id: number): Promise<{ status: string; scanned: number } | undefined>;
  patternKeys(sweepId: number): Promise<number>;
  findings(kind: string): Promise<{ key: string; status: string; confirmed: boolean; incident_id: string | null }[]>;
  incidents(): Promise<{ id: string; kind: string; pattern: string; status: string }[]>;
}

interface WorldOptions {
  keys: number;
  rate: number;
  every: string;
  /** Postgres (state and source) reached through this proxy. */
  proxy?: PgProxy;
}

async function makeWorld(o: WorldOptions): Promise<World> {
  const redis = await startPrivateRedis();
  servers.push(redis);
  await seed(redis, o.keys);
  const state = `tw_state_${randomBytes(6).toString('hex')}`;
  stateSchemas.push(state);
  const pgUrl = o.proxy ? o.proxy.url(source.url) : source.url;
  const config = join(dir, `${state}.yaml`);
  writeFileSync(
    config,
    `
cache: { url: "${redis.url}" }
source: { url: "${pgUrl}", statementTimeout: 5s }
state: { database: "${pgUrl}", redis: "${redis.url}", schema: ${state} }
tenants: { table: ${source.schema}.tenants, id: id }
# 50-key batches: a sweep is dozens of check jobs, so a fault lands between and inside them.
sweep: { every: ${o.every}, rate: ${o.rate}, count: 50, maxValueBytes: 64kb, sample: 0 }
realtime: { keyspaceEvents: false }
confirm: { after: 300ms }
alerts: { minSeverity: critical }
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${source.schema}.projects, tenant: tenant_id, match: { id: project_id } }
`,
  );
  const q = source.pool;
  const sweeps = async () => {
    const res = await q.query<{ id: string; reason: string; status: string; scanned: string; started_at: Date; finished_at: Date | null }>(
      `select id::text, reason, status, scanned::text, started_at, finished_at from ${state}.sweeps order by id`,
    );
    return res.rows.map((r) => ({ ...r, id: Number(r.id), scanned: Number(r.scanned) }));
  };
  return {
    redis,
    state,
    config,
    sweeps,
    sweep: async (id) => (await sweeps()).find((s) => s.id === id),
    async patternKeys(sweepId) {
      const res = await q.query<{ keys: string }>(`select keys::text from ${state}.sweep_patterns where sweep_id = $1 and pattern = 'project'`, [sweepId]);
      return Number(res.rows[0]?.keys ?? 0);
    },
    async findings(kind) {
      const res = await q.query<{ key: string; status: string; confirmed: boolean; incident_id: string | null }>(
        `select key, status, confirmed, incident_id::text from ${state}.findings where kind = $1 order by key`,
        [kind],
      );
      return res.rows;
    },
    async incidents() {
      const res = await q.query<{ id: string; kind: string; pattern: string; status: string }>(`select id::text, kind, pattern, status from ${state}.incidents order by id`);
      return res.rows;
    },
  };
}

/** The sweep queue's job schedulers, by id. */
async function schedulers(url: string): Promise<string[]> {
  const queue = new Queue('sweep', { connection: { url }, prefix: 'tenantwatch' });
  try {
    return (await queue.getJobSchedulers()).map((s) => s.key);
  } finally {
    await queue.close();
  }
}

/** Until the schema exists (the service migrates it at start), a query on it fails: treat as "not yet". */
const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

async function seed(redis: PrivateRedis, keys: number, poisoned = POISONED): Promise<void> {
  const pipeline = redis.admin.pipeline();
  for (let i = 1; i <= keys; i++) pipeline.set(`project:acme:${100000 + i}`, JSON.stringify({ id: 100000 + i, tenant_id: 'acme' }));
  for (const key of poisoned) pipeline.set(key, JSON.stringify({ id: Number(key.split(':')[2]), tenant_id: 'acme' }));
  await pipeline.exec();
}

/** The running sweep once its checks have got past `scanned` keys (and before it is done). */
async function sweepPast(world: World, scanned: number): Promise<{ id: number; scanned: number }> {
  return waitFor(`a running sweep past ${scanned} keys`, async () => (await orUndefined(world.sweeps()))?.find((s) => s.status === 'running' && s.scanned >= scanned));
}

/** Every planted key's cross-tenant finding open, confirmed and in an incident. */
async function everyPoisonedKeyInAnIncident(world: World): Promise<void> {
  await waitFor('every planted finding confirmed into an incident', async () => {
    const f = (await world.findings('cross_tenant_payload')).filter((x) => POISONED.includes(x.key));
    return f.length === POISONED.length && f.every((x) => x.status === 'open' && x.confirmed && x.incident_id !== null);
  });
}

/**
 * No incident duplicated: every (kind, pattern) ever opened once (not opened twice, nor opened,
 * resolved and reopened by a sweep that lost track of keys), and every planted finding in the one
 * open cross-tenant incident.
 */
async function expectOneIncidentPerKindAndPattern(world: World): Promise<void> {
  const incidents = await world.incidents();
  const groups = incidents.map((i) => `${i.kind}/${i.pattern}`);
  expect(groups).toContain('cross_tenant_payload/project');
  expect(new Set(groups).size, JSON.stringify(incidents)).toBe(groups.length);
  expect(incidents.every((i) => i.status === 'open')).toBe(true);
  const opened = await source.pool.query<{ n: string }>(`select count(*)::text as n from ${world.state}.incident_events where event = 'opened'`);
  expect(Number(opened.rows[0]!.n)).toBe(incidents.length);
  const incident = incidents.find((i) => i.kind === 'cross_tenant_payload')!;
  const poisoned = (await world.findings('cross_tenant_payload')).filter((f) => POISONED.includes(f.key));
  expect(poisoned.map((f) => f.incident_id)).toEqual(POISONED.map(() => incident.id));
}

/** The sweep checked every key: its scanned count and the pattern's count both reach them all. */
async function expectEveryKeyChecked(world: World, sweepId: number): Promise<void> {
  const s = await world.sweep(sweepId);
  expect(s?.status).toBe('done');
  expect(s!.scanned).toBeGreaterThanOrEqual(KEYS + POISONED.length);
  expect(await world.patternKeys(sweepId)).toBeGreaterThanOrEqual(KEYS + POISONED.length);
  const found = (await world.findings('cross_tenant_payload')).map((f) => f.key);
  expect(found).toEqual(expect.arrayContaining(POISONED));
}

// ---------------------------------------------------------------------------------------------

describe('a worker killed mid-sweep', () => {
  it(
    'leaves the sweep to another worker, which resumes it from its checkpoint, checks every key and duplicates no incident',
    async () => {
      // 3000 keys at 600 keys/s: a sweep of about five seconds.
      const world = await makeWorld({ keys: KEYS, rate: 600, every: '1h' });
      const workers = [startWorker(world.config), startWorker(world.config)];
      const started = await waitFor('one worker to start the sweep', async () => workers.find((w) => w.has('sweep started')));
      const other = workers.find((w) => w !== started)!;
      const sweepId = (await started.waitLog('sweep started')).sweepId!;
      const atKill = await sweepPast(world, 300);
      expect(atKill.id).toBe(sweepId);

      started.child.kill('SIGKILL');
      expect(await started.exited).toBeNull();
      const resumed = await other.waitLog('sweep resumed');
      expect(resumed.sweepId).toBe(sweepId);
      await other.waitLog('sweep finished', (l) => l.sweepId === sweepId);
      await everyPoisonedKeyInAnIncident(world);

      // Killed mid-sweep, not after it; one sweep, finished by the survivor.
      expect(atKill.scanned).toBeLessThan(KEYS);
      const sweeps = await world.sweeps();
      expect(sweeps.map((s) => s.id), `${JSON.stringify(sweeps)}\n--- killed:\n${started.output().slice(-6000)}\n--- survivor:\n${other.output().slice(-6000)}`).toEqual([sweepId]);
      await expectEveryKeyChecked(world, sweepId);
      await expectOneIncidentPerKindAndPattern(world);
    },
    60_000,
  );
});

describe('Postgres restarting mid-sweep', () => {
  it(
    'fails the batches caught by the restart, retries them, completes the sweep and loses no finding',
    async () => {
      const proxy = await startPgProxy(source.url);
      proxies.push(proxy);
      const world = await makeWorld({ keys: KEYS, rate: 600, every: '1h', proxy });
      const worker = startWorker(world.config);
      const sweepId = (await worker.waitLog('sweep started')).sweepId!;
      const atRestart = await sweepPast(world, 600);

      // Two seconds down: at 600 keys/s, a dozen batches want Postgres meanwhile.
      await proxy.restart(2000);
      expect(proxy.cut).toBeGreaterThan(0);
      await worker.waitLog('sweep finished', (l) => l.sweepId === sweepId, 45_000);
      await everyPoisonedKeyInAnIncident(world);

      expect(atRestart.scanned).toBeLessThan(KEYS);
      expect(worker.has('job failed', (l) => l.queue === 'check'), worker.output().slice(-4000)).toBe(true);
      await expectEveryKeyChecked(world, sweepId);
      await expectOneIncidentPerKindAndPattern(world);
      expect(worker.child.exitCode).toBeNull();
    },
    60_000,
  );
});

describe('Redis restarting under the service', () => {
  it(
    'reconnects after the restart wiped the cache and queues, and a later sweep finds a key poisoned afterwards',
    async () => {
      const world = await makeWorld({ keys: 20, rate: 0, every: '2s' });
      // Only clean keys before the restart.
      await world.redis.admin.del(...POISONED);
      const worker = startWorker(world.config);
      const first = await worker.waitLog('sweep finished');
      expect((await world.findings('cross_tenant_payload'))).toEqual([]);

      // Right after a sweep: the next one is two seconds away, so the restart falls between sweeps.
      await world.redis.restart();
      expect(await world.redis.admin.dbsize()).toBe(0);
      await seed(world.redis, 20, [POISONED[0]!]);

      const later = await waitFor(
        'a sweep after the restart',
        async () => (await world.sweeps()).find((s) => s.id > first.sweepId! && s.status === 'done'),
        SWEEP_DEADLINE_MS,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n--- worker output:\n${worker.output().slice(-6000)}`);
      });
      const found = (await world.findings('cross_tenant_payload')).find((f) => f.key === POISONED[0]);
      expect(found?.status).toBe('open');
      expect(later.scanned).toBeGreaterThanOrEqual(21);
      // The schedule itself came back: sweeps go on every sweep.every, not just once.
      expect(await schedulers(world.redis.url)).toEqual(['sweep']);
      expect(worker.child.exitCode).toBeNull();
    },
    45_000,
  );
});

describe('two `start` processes at once', () => {
  it(
    'apply the migrations once, register one job scheduler, run one sweep at a time and duplicate no finding or incident',
    async () => {
      // 3000 keys at 1000 keys/s take about two seconds, as long as sweep.every: scheduled sweeps
      // come due while the last one still runs, and the other process must not start them.
      const world = await makeWorld({ keys: KEYS, rate: 1000, every: '2s' });
      const workers = [startWorker(world.config), startWorker(world.config)];
      await Promise.all(workers.map((w) => w.waitLog('watchdog started')));

      let mostRunning = 0;
      const done = await waitFor('three finished sweeps', async () => {
        const sweeps = (await orUndefined(world.sweeps())) ?? [];
        mostRunning = Math.max(mostRunning, sweeps.filter((s) => s.status === 'running').length);
        const finished = sweeps.filter((s) => s.status === 'done');
        return finished.length >= 3 && sweeps;
      }, 45_000);
      await everyPoisonedKeyInAnIncident(world);
      for (const w of workers) expect(w.child.exitCode, w.output().slice(-4000)).toBeNull();

      const migrations = await source.pool.query<{ version: string }>(`select version from ${world.state}.schema_migrations order by version`);
      expect(migrations.rows.map((r) => r.version)).toEqual(MIGRATIONS);

      expect(await schedulers(world.redis.url)).toEqual(['sweep']);

      expect(mostRunning).toBeLessThanOrEqual(1);
      // One sweep at a time: no two sweeps' [started, finished] intervals overlap.
      const finished = done.filter((s) => s.status === 'done');
      for (let i = 1; i < finished.length; i++) expect(finished[i]!.started_at.getTime()).toBeGreaterThanOrEqual(finished[i - 1]!.finished_at!.getTime());
      // Each sweep ran in one process: started once, resumed by none.
      const starts = workers.flatMap((w) => w.lines.filter((l) => l.msg === 'sweep started' || l.msg === 'sweep resumed').map((l) => l.sweepId));
      expect(new Set(starts).size).toBe(starts.length);
      for (const s of finished) expect(s.scanned).toBeGreaterThanOrEqual(KEYS + POISONED.length);
      // sweep.rate bounds the two processes together: 3005 reads at 1000/s with a bucket of
      // 1000 take at least two seconds (one process's own bucket each would allow 0.5 s).
      for (const s of finished) expect(s.finished_at!.getTime() - s.started_at.getTime()).toBeGreaterThanOrEqual(1800);

      const rows = await source.pool.query<{ key: string; n: string }>(
        `select key, count(*)::text as n from ${world.state}.findings where kind = 'cross_tenant_payload' group by key order by key`,
      );
      expect(rows.rows).toEqual(POISONED.map((key) => ({ key, n: '1' })));
      await expectOneIncidentPerKindAndPattern(world);
    },
    70_000,
  );
});

describe('a graceful stop mid-sweep', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'exits 0 on %s, leaves the sweep at its checkpoint, and the next process resumes the same sweep to completion',
    async (signal) => {
      const world = await makeWorld({ keys: KEYS, rate: 600, every: '1h' });
      const first = startWorker(world.config);
      const sweepId = (await first.waitLog('sweep started')).sweepId!;
      const atStop = await sweepPast(world, 300);

      first.child.kill(signal);
      const code = await Promise.race([first.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
      expect(code, first.output().slice(-4000)).toBe(0);
      expect(first.has('sweep interrupted', (l) => l.sweepId === sweepId), first.output().slice(-4000)).toBe(true);
      expect((await world.sweep(sweepId))?.status).toBe('running');
      expect(atStop.scanned).toBeLessThan(KEYS);

      const second = startWorker(world.config);
      const resumed = await second.waitLog('sweep resumed');
      expect(resumed.sweepId).toBe(sweepId);
      await second.waitLog('sweep finished', (l) => l.sweepId === sweepId);
      await everyPoisonedKeyInAnIncident(world);
      expect((await world.sweeps()).map((s) => s.id)).toEqual([sweepId]);
      await expectEveryKeyChecked(world, sweepId);
      await expectOneIncidentPerKindAndPattern(world);
    },
    60_000,
  );
});

describe('a worker process without the API', () => {
  it(
    'serves its own metrics on --metrics-port, with the figures read from the state, and a second worker on that port stops with one clear line',
    async () => {
      const world = await makeWorld({ keys: KEYS, rate: 0, every: '1h' });
      const port = await freePort();
      const worker = startWorker(world.config, port);
      const sweepId = (await worker.waitLog('sweep finished')).sweepId!;
      await expectEveryKeyChecked(world, sweepId);
      const scrape = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        return res.text();
      };
      const value = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1) ?? NaN);
      const text = await waitFor('the last sweep in the metrics', async () => {
        const t = await scrape();
        return value(t, 'tenantwatch_last_sweep_finished_timestamp_seconds') > 0 && t;
      });
      expect(value(text, 'tenantwatch_keys_scanned_total{pattern="project",path="sweep"}')).toBe(KEYS + POISONED.length);
      expect(value(text, 'tenantwatch_role_info{role="worker"}')).toBe(1);
      expect(value(text, 'tenantwatch_sweep_every_seconds')).toBe(3600);
      expect(value(text, 'tenantwatch_findings_total{kind="cross_tenant_payload",severity="critical"}')).toBeGreaterThanOrEqual(POISONED.length);
      expect(text).not.toMatch(/tenant="|acme|globex/);

      const second = startWorker(world.config, port);
      expect(await second.exited).toBe(2);
      expect(second.output()).toContain(`port is in use (give each worker process on a machine its own --metrics-port, or 0 for none)`);
    },
    60_000,
  );
});
