/**
 * The fault list, the parts test/scan/run-scan.test.ts does not already cover:
 * a 64 MB value, invalid UTF-8, Redis and Postgres going away mid-scan (shut down, crashed,
 * connections killed, or frozen with the connection left open), and the tenants table dropped
 * at runtime. Each must end in a finding or one clear error, never a crash or a hang; a scan
 * never calls clean what it could not check.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import type { TenantwatchConfig } from '../../src/config/validate-config.js';
import { CacheUnavailable, SourceUnavailable, TenantwatchError } from '../../src/errors.js';
import { openScanSession, type ScanSession } from '../../src/scan/open-scan-context.js';
import { runScan } from '../../src/scan/run-scan.js';
import type { ScanReport } from '../../src/scan/scan-report.js';
import { startPgProxy, type PgProxy } from '../helpers/pg-proxy.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { scanConfig, seedOwners } from '../helpers/scan-fixture.js';

const MB = 1024 * 1024;
// Generous bounds for "never hangs": a scan that outlives them has hung (no timing asserts).
const FAULT_TIMEOUT_MS = 20_000;
// A server that stops answering without closing the connection can only be noticed by a
// timeout of tenantwatch's own; this leaves room for any sane one (the connect timeout is 5 s).
const FROZEN_TIMEOUT_MS = 30_000;

let db: RedisDb;
let pgs: PgSchema;
let dir: string;
const servers: PrivateRedis[] = [];
const children = new Set<ChildProcess>();
const proxies: PgProxy[] = [];
const sessions = new Set<ScanSession>();

beforeAll(async () => {
  db = await useRedisDb();
  pgs = await usePgSchema();
  await seedOwners(pgs.pool, pgs.schema);
  dir = mkdtempSync(join(tmpdir(), 'tw-faults-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.stop()));
  for (const proxy of proxies) proxy.close();
  // Sessions a hung scan never got to close.
  await Promise.all([...sessions].map((s) => s.close().catch(() => undefined)));
  await db?.cleanup();
  await pgs?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** A private redis-server, stopped in afterAll even when its test fails first. */
async function startTrackedRedis(): Promise<PrivateRedis> {
  const server = await startPrivateRedis();
  servers.push(server);
  return server;
}

/** Calls of one Redis command so far (INFO commandstats): how far a scan has got. */
async function commandCalls(redis: Redis, command: string): Promise<number> {
  const info = await redis.info('commandstats');
  const m = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info);
  return m ? Number(m[1]) : 0;
}

/** Bytes the server has sent to all its clients (INFO stats total_net_output_bytes). */
async function netOutputBytes(redis: Redis): Promise<number> {
  const m = /^total_net_output_bytes:(\d+)/m.exec(await redis.info('stats'));
  if (!m) throw new Error('INFO stats has no total_net_output_bytes');
  return Number(m[1]);
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A proxy in front of the test Postgres, closed in afterAll even when its test fails first. */
async function startTrackedPgProxy(): Promise<PgProxy> {
  const proxy = await startPgProxy(pgs.url);
  proxies.push(proxy);
  return proxy;
}

/** A scan session closed in afterAll even when the test hangs before closing it. */
async function openTracked(config: TenantwatchConfig, opts?: Parameters<typeof openScanSession>[1]): Promise<ScanSession> {
  const session = await openScanSession(config, opts);
  sessions.add(session);
  return {
    ...session,
    close: async () => {
      sessions.delete(session);
      await session.close();
    },
  };
}

/** The CLI as users run it: the built bin (`npm run build`), a real config file. */
function runCli(args: string[]): { child: ChildProcess; done: Promise<{ code: number; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['bin/tenantwatch.js', ...args], { env: { ...process.env, TENANTWATCH_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
  return { child, done };
}

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Tenant-scoped items with a marker and no owner table: a scan of them needs only Redis. */
function itemsYaml(cacheUrl: string, sweep = '{ rate: 500, count: 100 }'): string {
  return `
cache: { url: "${cacheUrl}" }
sweep: ${sweep}
patterns:
  - name: item
    key: "item:{tenant}:{item_id}"
    marker: $.tenant_id
`;
}

async function seedItems(redis: Redis, n: number): Promise<void> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < n; i++) pipeline.set(`item:acme:${i}`, JSON.stringify({ tenant_id: 'acme', id: i }));
  await pipeline.exec();
}

/** The outcome of a scan as data, so an unexpected resolution shows the report in the failure. */
async function settle(p: Promise<ScanReport>): Promise<{ report: ScanReport; error?: undefined } | { report?: undefined; error: unknown }> {
  try {
    return { report: await p };
  } catch (error) {
    return { error };
  }
}

/** `?application_name=…` added to a Postgres URL: lets the test find the scan's own sessions. */
function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  // URLSearchParams writes spaces (in options=-c search_path=…) as '+', which libpq keeps literally.
  return u.toString().replace(/\+/g, '%20');
}

const kindsOf = (report: ScanReport, key: string) => report.findings.filter((f) => f.key === key).map((f) => f.kind).sort();

// ---------------------------------------------------------------------------------------------

describe('a scan given hostile values', () => {
  it('reports a 64 MB value as oversized with its true size, without transferring it', async () => {
    const redis = await startTrackedRedis();
    // Built inside Redis (SETRANGE pads with zero bytes), so the test never holds 64 MB either.
    await redis.admin.setrange('item:acme:huge', 0, '{"tenant_id":"acme","pad":"');
    await redis.admin.setrange('item:acme:huge', 64 * MB - 2, '"}');
    await redis.admin.set('item:acme:small', JSON.stringify({ tenant_id: 'acme' }));
    expect(await redis.admin.strlen('item:acme:huge')).toBe(67_108_864);

    // maxValueBytes is left at its 1mb default.
    const config = parseConfigText(itemsYaml(redis.url, '{ rate: 0 }'), {});
    expect(config.sweep.maxValueBytes).toBe(MB);
    const session = await openTracked(config);
    const before = await netOutputBytes(redis.admin);
    let report: ScanReport;
    try {
      report = await runScan(session.ctx, session.cache);
    } finally {
      await session.close();
    }
    const sent = (await netOutputBytes(redis.admin)) - before;

    expect(report.scanned).toBe(2);
    expect(report.findings.filter((f) => f.key === 'item:acme:huge')).toEqual([
      expect.objectContaining({ kind: 'oversized', severity: 'info', pattern: 'item', sizeBytes: 67_108_864 }),
    ]);
    expect(kindsOf(report, 'item:acme:small')).toEqual([]);
    expect(report.unchecked.total).toBe(0);
    // Everything Redis sent during the scan (both keys, every reply, the INFO above) is a
    // fraction of the value: at most maxValueBytes of it crossed the wire, not 64 MB.
    expect(sent).toBeLessThan(2 * MB);
    await redis.stop();
  });

  describe('invalid UTF-8', () => {
    let report: ScanReport;
    const badKey = Buffer.concat([Buffer.from('project:acme:'), Buffer.from([0xff, 0xfe])]);

    beforeAll(async () => {
      await db.redis.flushdb();
      const invalid = Buffer.concat([Buffer.from('{"tenant_id":"'), Buffer.from([0xff]), Buffer.from('"}')]);
      await db.redis.set('project:acme:1041', invalid);
      await db.redis.set('project:globex:1041', gzipSync(invalid));
      await db.redis.hset('sess:acme:s1', 'data', invalid);
      await db.redis.set('project:acme:1042', JSON.stringify({ id: 1042, tenant_id: 'acme' }));
      await db.redis.set(badKey, JSON.stringify({ tenant_id: 'globex' }));
      const session = await openTracked(scanConfig(db.url, pgs.url, pgs.schema));
      try {
        report = await runScan(session.ctx, session.cache);
      } finally {
        await session.close();
      }
    });

    it('reports invalid UTF-8 inside a JSON-looking payload as undecodable, not clean', () => {
      expect(kindsOf(report, 'project:acme:1041')).toEqual(['undecodable']);
      expect(report.findings.find((f) => f.key === 'project:acme:1041')!.detail).toMatch(/UTF-8/i);
    });

    it('reports invalid UTF-8 behind gzip and in a hash field as undecodable too', () => {
      expect(kindsOf(report, 'project:globex:1041')).toEqual(['undecodable']);
      expect(kindsOf(report, 'sess:acme:s1')).toEqual(['undecodable']);
    });

    it('reads a key whose name is invalid UTF-8 by its exact bytes, so it is checked rather than lost as vanished', () => {
      expect(report.vanished).toBe(0);
      const lossy = badKey.toString('utf8');
      // globex's marker under an acme key: found only if the value was really read.
      expect(kindsOf(report, lossy)).toContain('cross_tenant_payload');
    });

    it('checks every key it saw and leaves the valid neighbour clean', () => {
      expect(report.scanned).toBe(5);
      expect(report.unchecked.total).toBe(0);
      expect(kindsOf(report, 'project:acme:1042')).toEqual([]);
    });
  });
});

describe('a scan whose Redis goes away mid-scan', () => {
  it(
    'rejects with CacheUnavailable naming what failed, and never resolves a clean-looking report, when Redis shuts down',
    async () => {
      const redis = await startTrackedRedis();
      await seedItems(redis.admin, 3000);
      const session = await openTracked(parseConfigText(itemsYaml(redis.url), {}));
      let shutdown: Promise<void> | undefined;
      let scannedAtShutdown = 0;
      // 3000 keys at 500 keys/s take ~5 s; Redis is stopped once a third has been checked.
      const outcome = await settle(
        runScan(session.ctx, session.cache, {
          onProgress: (p) => {
            if (!shutdown && p.scanned >= 1000) {
              scannedAtShutdown = p.scanned;
              shutdown = redis.shutdown();
            }
          },
        }),
      );
      await shutdown;
      await session.close();

      expect(scannedAtShutdown).toBeGreaterThanOrEqual(1000);
      expect(scannedAtShutdown).toBeLessThan(3000);
      expect(outcome.report).toBeUndefined();
      expect(outcome.error).toBeInstanceOf(CacheUnavailable);
      const message = (outcome.error as Error).message;
      expect(message).not.toContain('\n');
      // What failed: the cache, and the operation or cause.
      expect(message).toMatch(/cache/i);
      expect(message).toMatch(/SCAN|read|closed|ECONNRE|retries/i);
    },
    FAULT_TIMEOUT_MS,
  );

  it(
    'rejects with CacheUnavailable instead of hanging when Redis stops answering mid-scan without closing the connection',
    async () => {
      const redis = await startTrackedRedis();
      await seedItems(redis.admin, 3000);
      const session = await openTracked(parseConfigText(itemsYaml(redis.url), {}));
      let frozen = false;
      const outcome = await settle(
        runScan(session.ctx, session.cache, {
          onProgress: (p) => {
            if (!frozen && p.scanned >= 1000) {
              frozen = true;
              redis.freeze();
            }
          },
        }),
      );
      await redis.stop();
      await session.close();

      expect(frozen).toBe(true);
      expect(outcome.report).toBeUndefined();
      expect(outcome.error).toBeInstanceOf(CacheUnavailable);
      expect((outcome.error as Error).message).toMatch(/cache/i);
    },
    FROZEN_TIMEOUT_MS,
  );

  it(
    'exits 2 with exactly one line on stderr naming the cache, and prints no report, when Redis crashes under the CLI',
    async () => {
      const redis = await startTrackedRedis();
      await seedItems(redis.admin, 3000);
      const config = writeConfig('redis-crash.yaml', itemsYaml(redis.url));
      const cli = runCli(['scan', '--json', '--config', config]);
      // A third of the keys read, then the server dies (SIGKILL: no goodbye to the clients).
      await waitFor('the CLI to read 1000 keys', async () => (await commandCalls(redis.admin, 'getrange')) >= 1000);
      await redis.crash();
      const { code, stdout, stderr } = await cli.done;

      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^tenantwatch: /);
      expect(lines[0]).not.toContain('unexpected error');
      // README: exit 2 is "one line naming the URL and what failed".
      expect(lines[0]).toContain(`127.0.0.1:${redis.port}`);
    },
    FAULT_TIMEOUT_MS,
  );
});

describe('a scan whose Postgres connections are killed mid-scan', () => {
  const KEYS = 1500;
  let app: string;
  let config: TenantwatchConfig;

  beforeAll(async () => {
    await db.redis.flushdb();
    await pgs.pool.query(`INSERT INTO ${pgs.schema}.projects SELECT 'acme', g, 'bulk' FROM generate_series(100001, ${100000 + KEYS}) g`);
    const pipeline = db.redis.pipeline();
    for (let i = 1; i <= KEYS; i++) pipeline.set(`project:acme:${100000 + i}`, JSON.stringify({ id: 100000 + i, tenant_id: 'acme' }));
    // Two planted problems that only the owner query can judge.
    pipeline.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    pipeline.set('project:acme:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    await pipeline.exec();
  });

  const newApp = () => {
    app = `tw-fault-${randomBytes(6).toString('hex')}`;
    config = scanConfig(db.url, withApplicationName(pgs.url, app), pgs.schema);
  };
  const scanPids = async (where = 'true') =>
    (await pgs.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND ${where}`, [app])).rows.map((r) => r.pid);
  /** Kills exactly the scan's sessions: pids first, so the planner cannot apply the kill to other rows. */
  const terminate = async (where = 'true') => {
    const pids = await scanPids(where);
    if (pids.length > 0) await pgs.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    return pids;
  };

  it(
    'replaces connections killed between batches and completes with every key checked and every finding',
    async () => {
      newApp();
      // 500 keys/s, one batch at a time: after the burst, each batch waits ~200 ms for tokens,
      // and the kill lands in that wait, while the scan's connections are idle in the pool.
      const session = await openTracked(config, { rate: 500 });
      const killed: number[] = [];
      const kills: Promise<void>[] = [];
      let report: ScanReport;
      try {
        report = await runScan(session.ctx, session.cache, {
          concurrency: 1,
          onProgress: (p) => {
            if (kills.length < 3 && p.scanned >= 600 + kills.length * 300) {
              kills.push(terminate().then((pids) => void killed.push(...pids)));
            }
          },
        });
        await Promise.all(kills);
        const after = await scanPids();
        // The pool reconnected: the scan's live sessions are new ones.
        expect(after.length).toBeGreaterThan(0);
        expect(after.filter((pid) => killed.includes(pid))).toEqual([]);
      } finally {
        await session.close();
      }

      expect(kills).toHaveLength(3);
      expect(killed.length).toBeGreaterThanOrEqual(3);
      expect(report.scanned).toBe(KEYS + 2);
      expect(report.patterns).toEqual({ project: KEYS + 2 });
      expect(report.unchecked).toEqual({ total: 0, reasons: {} });
      expect(kindsOf(report, 'project:globex:1043')).toEqual(['cross_tenant_payload', 'foreign_owner']);
      expect(kindsOf(report, 'project:acme:1043')).toEqual(['foreign_owner', 'key_owner_mismatch']);
      expect(report.findings.filter((f) => f.key !== 'project:globex:1043' && f.key !== 'project:acme:1043')).toEqual([]);
    },
    FAULT_TIMEOUT_MS,
  );

  it(
    'rejects with SourceUnavailable when a connection is killed while its owner query runs, never a report that lost keys',
    async () => {
      newApp();
      const session = await openTracked(config);
      const locker = await pgs.pool.connect();
      let outcome: Awaited<ReturnType<typeof settle>>;
      let killed: number[] = [];
      try {
        // Hold the owner table so the scan's owner queries are certainly in flight when killed.
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE ${pgs.schema}.projects IN ACCESS EXCLUSIVE MODE`);
        const scan = settle(runScan(session.ctx, session.cache));
        await waitFor('an owner query blocked on the lock', async () => (await scanPids(`wait_event_type = 'Lock'`)).length > 0, 4_000);
        killed = await terminate(`wait_event_type = 'Lock'`);
        await locker.query('ROLLBACK');
        outcome = await scan;
      } finally {
        locker.release();
        await session.close();
      }

      expect(killed.length).toBeGreaterThan(0);
      expect(outcome.report).toBeUndefined();
      expect(outcome.error).toBeInstanceOf(SourceUnavailable);
      const message = (outcome.error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/source database/);
      expect(message).toMatch(/terminat/i);
    },
    FAULT_TIMEOUT_MS,
  );
});

describe('a scan whose Postgres stops answering mid-scan', () => {
  it(
    'rejects with SourceUnavailable instead of hanging when Postgres stops answering without closing the connection',
    async () => {
      await db.redis.flushdb();
      const pipeline = db.redis.pipeline();
      for (let i = 1; i <= 1500; i++) pipeline.set(`project:acme:${200000 + i}`, JSON.stringify({ id: 200000 + i, tenant_id: 'acme' }));
      await pipeline.exec();
      const proxy = await startTrackedPgProxy();
      const session = await openTracked(scanConfig(db.url, proxy.url(pgs.url), pgs.schema), { rate: 500 });
      let frozen = false;
      const outcome = await settle(
        runScan(session.ctx, session.cache, {
          onProgress: (p) => {
            if (!frozen && p.scanned >= 600) {
              frozen = true;
              proxy.freeze();
            }
          },
        }),
      );
      proxy.close();
      await session.close();

      expect(frozen).toBe(true);
      expect(outcome.report).toBeUndefined();
      expect(outcome.error).toBeInstanceOf(SourceUnavailable);
      expect((outcome.error as Error).message).toMatch(/source database/);
    },
    FROZEN_TIMEOUT_MS,
  );
});

describe('a scan whose tenants table is dropped at runtime', () => {
  let schema: PgSchema;
  const keys = ['project:globex:1043', 'project:acme:1041', 'project:hooli:1041'];

  beforeAll(async () => {
    schema = await usePgSchema();
    await seedOwners(schema.pool, schema.schema);
    await db.redis.flushdb();
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    await db.redis.set('project:acme:1041', JSON.stringify({ id: 1041, tenant_id: 'acme' }));
    await db.redis.set('project:hooli:1041', JSON.stringify({ id: 1041, tenant_id: 'hooli' }));
  });

  afterAll(async () => {
    await schema?.cleanup();
  });

  it('still reports what it could check and counts the keys whose tenants it could not look up, or fails with a typed error naming the table', async () => {
    const session = await openTracked(scanConfig(db.url, schema.url, schema.schema));
    await schema.pool.query(`DROP TABLE ${schema.schema}.tenants`);
    const outcome = await settle(runScan(session.ctx, session.cache, { keys }));
    await session.close();

    if (outcome.report) {
      // Like a dropped owner table (run-scan.test.ts): counted, never clean, findings kept.
      const r = outcome.report;
      expect(r.scanned).toBe(3);
      expect(r.unchecked.total).toBe(3);
      expect(Object.keys(r.unchecked.reasons).join(' ')).toContain(`${schema.schema}.tenants`);
      expect(kindsOf(r, 'project:globex:1043')).toEqual(expect.arrayContaining(['cross_tenant_payload', 'foreign_owner']));
      expect(kindsOf(r, 'project:hooli:1041')).toContain('key_owner_mismatch');
    } else {
      // Or the scan stops, with an error the CLI reports as one clear line (not as a bug).
      expect(outcome.error).toBeInstanceOf(TenantwatchError);
      expect((outcome.error as Error).message).toContain(`${schema.schema}.tenants`);
    }
  });

  it(
    'exits 2 from the CLI even with --fail-on never, with the report counting unchecked keys or one clear line naming the table',
    async () => {
      // Independent of the test above, which may have dropped the table.
      await schema.pool.query(
        `CREATE TABLE IF NOT EXISTS ${schema.schema}.tenants (id text PRIMARY KEY); INSERT INTO ${schema.schema}.tenants VALUES ('acme'), ('globex') ON CONFLICT DO NOTHING`,
      );
      const app = `tw-fault-${randomBytes(6).toString('hex')}`;
      const config = writeConfig(
        'tenants-dropped.yaml',
        `
cache: { url: "${db.url}" }
source: { url: "${withApplicationName(schema.url, app)}", statementTimeout: 10s }
tenants: { table: ${schema.schema}.tenants, id: id }
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${schema.schema}.projects, tenant: tenant_id, match: { id: project_id } }
`,
      );
      // The tenants table is locked, so the CLI's tenant lookup waits on it mid-scan; then the
      // table is dropped under it.
      const locker = await schema.pool.connect();
      let result: { code: number; stdout: string; stderr: string };
      try {
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE ${schema.schema}.tenants IN ACCESS EXCLUSIVE MODE`);
        // --fail-on never: findings cannot fail the run, so only the unchecked keys can make it exit 2.
        const cli = runCli(['check', ...keys, '--json', '--fail-on', 'never', '--config', config]);
        await waitFor(
          'the tenant lookup to wait on the lock',
          async () =>
            (await schema.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app])).rowCount! > 0,
        );
        await locker.query(`DROP TABLE ${schema.schema}.tenants`);
        await locker.query('COMMIT');
        result = await cli.done;
      } finally {
        locker.release();
      }

      expect(result.code, result.stderr).toBe(2);
      if (result.stdout) {
        const doc = JSON.parse(result.stdout) as ScanReport;
        expect(doc.unchecked.total).toBe(3);
        expect(Object.keys(doc.unchecked.reasons).join(' ')).toContain(`${schema.schema}.tenants`);
        expect(doc.findings.map((f) => f.kind)).toContain('cross_tenant_payload');
      } else {
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines, result.stderr).toHaveLength(1);
        expect(lines[0]).toContain(`${schema.schema}.tenants`);
        expect(lines[0]).not.toContain('unexpected error');
      }
    },
    FAULT_TIMEOUT_MS,
  );
});
