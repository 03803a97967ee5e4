import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import type { TenantwatchConfig } from '../../src/config/validate-config.js';
import type { ApiDeps } from '../../src/http/api-deps.js';
import { buildApp } from '../../src/http/build-app.js';
import { cacheAccess } from '../../src/http/cache-access.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { QUEUE_NAMES, QUEUE_PREFIX, queueConnection } from '../../src/queue/queue-config.js';
import { recordBatch } from '../../src/state/record-batch.js';
import type { Finding } from '../../src/types.js';
import { requestSweep, startService, type Service } from '../../workers/start-service.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { seedOwners } from '../helpers/scan-fixture.js';
import { quietLog, waitFor } from '../helpers/service-fixture.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';

let db: RedisDb;
let source: PgSchema;
let state: StateSchema;
let config: TenantwatchConfig;
let deps: ApiDeps;
let app: FastifyInstance;
const queues: Queue[] = [];

const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-9876543210';
const auth = (token = ALICE) => ({ authorization: `Bearer ${token}` });

function makeConfig(cacheUrl: string): TenantwatchConfig {
  return parseConfigText(
    `
cache: { url: "${cacheUrl}" }
source: { url: "${source.url}" }
state: { database: "${source.url}", redis: "${db.url}", schema: ${state.schema} }
sweep: { every: 1h, rate: 0, count: 100 }
confirm: { after: 100ms }
api:
  tokens: ["${ALICE}", { name: bob, token: "${BOB}" }]
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${source.schema}.projects, tenant: tenant_id, match: { id: project_id } }
  - name: legacy
    key: "legacy:{project_id}"
`,
    {},
  );
}

async function makeDeps(cfg: TenantwatchConfig): Promise<ApiDeps> {
  const connection = queueConnection(cfg);
  const scans = new Queue(QUEUE_NAMES.scan, { connection, prefix: QUEUE_PREFIX });
  const checks = new Queue(QUEUE_NAMES.check, { connection, prefix: QUEUE_PREFIX });
  queues.push(scans, checks);
  return { config: cfg, state: state.pool, queueRedis: db.redis, scans, checks, cache: cacheAccess(cfg), source: source.pool, metrics: createMetrics(), log: quietLog };
}

beforeAll(async () => {
  db = await useRedisDb();
  source = await usePgSchema();
  await seedOwners(source.pool, source.schema);
  state = await useStateSchema();
  config = makeConfig(db.url);
  deps = await makeDeps(config);
  app = await buildApp(deps);
});
afterAll(async () => {
  await app?.close();
  await deps?.cache.close();
  await Promise.all(queues.map((q) => q.close()));
  await db?.cleanup();
  await source?.cleanup();
  await state?.cleanup();
});
beforeEach(async () => {
  // The later describe block runs the service: a sweep writing these tables while TRUNCATE takes
  // its locks one table at a time can deadlock, and Postgres then aborts one side. Ours retries.
  for (let attempt = 1; ; attempt++) {
    try {
      await state.pool.query('truncate findings, incidents, incident_events, evictions, sweeps, sweep_shards, sweep_batches, sweep_patterns, pattern_minutes restart identity cascade');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt === 5) throw err;
    }
  }
});

const sha = (v: string) => createHash('sha256').update(v).digest('hex');

/** A confirmed cross-tenant finding for a key really in the cache, in an incident. */
async function poison(key: string, value = JSON.stringify({ id: 1043, tenant_id: 'acme' })): Promise<string> {
  await db.redis.set(key, value);
  const f: Finding = { kind: 'cross_tenant_payload', severity: 'critical', key, pattern: 'project', keyTenant: key.split(':')[1], markerTenants: ['acme'], payloadSha256: sha(value), sizeBytes: value.length, ttlSeconds: -1, detail: 'marker names acme' };
  await recordBatch(state.pool, { findings: [f], checkedKeys: [key], uncheckedKeys: [], perPattern: new Map([['project', 1]]), minSeverity: 'critical' });
  await recordBatch(state.pool, { findings: [f], checkedKeys: [key], uncheckedKeys: [], perPattern: new Map(), confirming: { fingerprint: `cross_tenant_payload|key|${key}`, payloadSha256: sha(value) }, minSeverity: 'critical', countKeys: false });
  const row = await state.pool.query<{ id: string }>('select id::text from findings where key = $1', [key]);
  return row.rows[0]!.id;
}

describe('authentication', () => {
  it('refuses /api requests without a valid bearer token with 401', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-xxxxxxxx' }, { authorization: `Basic ${ALICE}` }]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/status', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
  });

  it('refuses percent-encoded and dot-segment spellings of /api paths without a token', async () => {
    for (const url of ['/%61pi/v1/findings', '/%61%70%69/v1/status', '/api/v1/%73ilences', '//api/v1/status', '/healthz/../api/v1/status']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).not.toBe(200);
      expect([401, 404], url).toContain(res.statusCode);
    }
    const mute = await app.inject({ method: 'POST', url: '/%61pi/v1/silences', payload: { kind: 'cross_tenant_payload', reason: 'x', endsAt: '2999-01-01T00:00:00Z' } });
    expect(mute.statusCode).toBe(401);
  });

  it('accepts each configured token, and health, readiness and metrics need none', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/status', headers: auth(ALICE) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/status', headers: auth(BOB) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^# HELP tenantwatch_/m);
  });
});

describe('readiness', () => {
  it('answers 200 naming each dependency, and reports real-time checks off', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.json()).toEqual({ cache: 'ok', source: 'ok', state: 'ok', queue: 'ok', realtime: { enabled: false, reason: 'realtime.keyspaceEvents is off in the config' } });
  });

  it('answers 503 when the cache is unreachable', async () => {
    const down = makeConfig('redis://127.0.0.1:1/0');
    const d = await makeDeps(down);
    const other = await buildApp(d);
    try {
      const res = await other.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      // The kind of failure, never the driver's message with the address it tried.
      expect(res.json().cache).toMatch(/^down: ([A-Z0-9_]+|timeout|error \(see the service log\))$/);
      expect(res.body).not.toContain('127.0.0.1');
      expect(res.json().state).toBe('ok');
    } finally {
      await other.close();
      await d.cache.close();
    }
  });
});

describe('findings', () => {
  it('lists findings newest first, one cursor page at a time, with every filter', async () => {
    for (let i = 0; i < 5; i++) await poison(`project:globex:${1100 + i}`);
    const first = (await app.inject({ method: 'GET', url: '/api/v1/findings?limit=2', headers: auth() })).json();
    expect(first.items.map((f: { key: string }) => f.key)).toEqual(['project:globex:1104', 'project:globex:1103']);
    const second = (await app.inject({ method: 'GET', url: `/api/v1/findings?limit=2&cursor=${first.nextCursor}`, headers: auth() })).json();
    expect(second.items.map((f: { key: string }) => f.key)).toEqual(['project:globex:1102', 'project:globex:1101']);
    const last = (await app.inject({ method: 'GET', url: `/api/v1/findings?limit=2&cursor=${second.nextCursor}`, headers: auth() })).json();
    expect(last.items).toHaveLength(1);
    expect(last.nextCursor).toBeUndefined();
    const q = async (qs: string) => (await app.inject({ method: 'GET', url: `/api/v1/findings?${qs}`, headers: auth() })).json().items.length;
    expect(await q('tenant=acme')).toBe(5);
    expect(await q('tenant=globex&severity=critical&kind=cross_tenant_payload&pattern=project&status=open')).toBe(5);
    expect(await q('tenant=initech')).toBe(0);
    expect(await q('status=resolved')).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/api/v1/findings?cursor=bm9wZQ', headers: auth() })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/findings?severity=loud', headers: auth() })).statusCode).toBe(400);
  });

  it('serves one finding with its SHA-256, TTL and incident, and 404 for an unknown id', async () => {
    const id = await poison('project:globex:1043');
    const res = await app.inject({ method: 'GET', url: `/api/v1/findings/${id}`, headers: auth() });
    expect(res.json()).toMatchObject({ id, kind: 'cross_tenant_payload', severity: 'critical', status: 'open', key: 'project:globex:1043', keyTenant: 'globex', markerTenants: ['acme'], confirmed: true, incidentId: expect.any(String), payloadSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Date.parse(res.json().firstSeen)).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/api/v1/findings/999999', headers: auth() })).statusCode).toBe(404);
  });

  it('acknowledges a finding in the name of the token that asked', async () => {
    const id = await poison('project:globex:1043');
    const res = await app.inject({ method: 'POST', url: `/api/v1/findings/${id}/ack`, headers: auth(BOB) });
    expect(res.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'bob' });
  });

  it('resolves a finding by hand, and its incident with it', async () => {
    const id = await poison('project:globex:1043');
    const res = await app.inject({ method: 'POST', url: `/api/v1/findings/${id}/resolve`, headers: auth() });
    expect(res.json()).toMatchObject({ status: 'resolved', resolvedBy: 'token-1' });
    const incidents = (await app.inject({ method: 'GET', url: '/api/v1/incidents', headers: auth() })).json();
    expect(incidents.items.map((i: { status: string }) => i.status)).toEqual(['resolved']);
  });
});

describe('evict', () => {
  it('deletes the key when it still holds the recorded payload, and records who did it', async () => {
    const id = await poison('project:globex:1043');
    const res = await app.inject({ method: 'POST', url: `/api/v1/findings/${id}/evict`, headers: auth(BOB) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ evicted: true, reason: 'evicted' });
    expect(await db.redis.exists('project:globex:1043')).toBe(0);
    const log = await state.pool.query('select key, token_name, evicted from evictions');
    expect(log.rows).toEqual([{ key: 'project:globex:1043', token_name: 'bob', evicted: true }]);
  });

  it('refuses, and keeps the key, when the value changed since the finding was recorded', async () => {
    const id = await poison('project:globex:1043');
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'globex' }));
    const res = await app.inject({ method: 'POST', url: `/api/v1/findings/${id}/evict`, headers: auth() });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ evicted: false, reason: 'the value changed since the finding was recorded' });
    expect(await db.redis.exists('project:globex:1043')).toBe(1);
    expect((await state.pool.query('select evicted, reason from evictions')).rows).toEqual([{ evicted: false, reason: 'the value changed since the finding was recorded' }]);
  });

  it('refuses a whole-hash finding with the reason, and keeps the hash', async () => {
    const id = await poison('project:globex:1044');
    await db.redis.del('project:globex:1044');
    await db.redis.hset('project:globex:1044', { id: '1044', tenant_id: 'acme' });
    const res = await app.inject({ method: 'POST', url: `/api/v1/findings/${id}/evict`, headers: auth() });
    expect(res.statusCode).toBe(409);
    expect(res.json().reason).toMatch(/^the finding covers a whole hash/);
    expect(await db.redis.exists('project:globex:1044')).toBe(1);
  });

  it('records an attempt the cache did not answer, and answers 500 without the cause', async () => {
    const id = await poison('project:globex:1045');
    const down = cacheAccess(makeConfig('redis://127.0.0.1:1'));
    const broken = await buildApp({ ...deps, cache: down });
    try {
      const res = await broken.inject({ method: 'POST', url: `/api/v1/findings/${id}/evict`, headers: auth(BOB) });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal', message: 'internal error' });
      const log = await state.pool.query('select token_name, evicted, reason from evictions');
      expect(log.rows).toHaveLength(1);
      expect(log.rows[0]).toMatchObject({ token_name: 'bob', evicted: false });
      expect(log.rows[0].reason).toMatch(/^failed \(the compare-and-delete may still have run\): /);
      expect(await db.redis.exists('project:globex:1045')).toBe(1);
    } finally {
      await broken.close();
      await down.close();
    }
  });

  it('refuses a key that is gone', async () => {
    const id = await poison('project:globex:1043');
    await db.redis.del('project:globex:1043');
    const res = await app.inject({ method: 'POST', url: `/api/v1/findings/${id}/evict`, headers: auth() });
    expect(res.json()).toEqual({ evicted: false, reason: 'the key is gone' });
  });
});

describe('incidents', () => {
  it('lists open incidents with their blast radius and serves one by id', async () => {
    await poison('project:globex:1043');
    await poison('project:initech:1043');
    const list = (await app.inject({ method: 'GET', url: '/api/v1/incidents?status=open', headers: auth() })).json();
    expect(list.items).toHaveLength(1);
    const inc = list.items[0];
    expect(inc).toMatchObject({ kind: 'cross_tenant_payload', pattern: 'project', status: 'open', findings: 2, openFindings: 2 });
    expect(inc.blastRadius.map((p: { owner: string; exposed: string; keys: number }) => [p.owner, p.exposed, p.keys])).toEqual([['acme', 'globex', 1], ['acme', 'initech', 1]]);
    expect(inc.blastRadius[0].maxRemainingTtlSeconds).toBeNull();
    // Each pair says when it was first and last seen.
    for (const pair of inc.blastRadius as { firstSeen: string; lastSeen: string }[]) {
      expect(Date.parse(pair.firstSeen)).toBeGreaterThan(Date.now() - 60_000);
      expect(Date.parse(pair.lastSeen)).toBeGreaterThanOrEqual(Date.parse(pair.firstSeen));
    }
    const one = (await app.inject({ method: 'GET', url: `/api/v1/incidents/${inc.id}`, headers: auth() })).json();
    expect(one.id).toBe(inc.id);
    expect((await app.inject({ method: 'GET', url: '/api/v1/incidents/424242', headers: auth() })).statusCode).toBe(404);
  });
});

describe('errors and limits', () => {
  it('hides the inside of a server error', async () => {
    const broken = await buildApp({ ...deps, state: { query: () => Promise.reject(new Error('password authentication failed for user "tenantwatch" at 10.0.0.5')) } as never });
    try {
      const res = await broken.inject({ method: 'GET', url: '/api/v1/findings', headers: auth() });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal', message: 'internal error' });
      expect(res.body).not.toMatch(/password|10\.0\.0\.5|at /);
    } finally {
      await broken.close();
    }
  });

  it('rate-limits the mutating routes per token', async () => {
    const id = await poison('project:globex:1043');
    // A fresh app: its allowances start full.
    const limited = await buildApp(deps);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 62; i++) codes.push((await limited.inject({ method: 'POST', url: `/api/v1/findings/${id}/ack`, headers: auth(BOB) })).statusCode);
      expect(codes.slice(0, 60).every((c) => c === 200)).toBe(true);
      expect(codes.slice(60)).toEqual([429, 429]);
      // Another token has its own allowance; reads are not limited.
      expect((await limited.inject({ method: 'POST', url: `/api/v1/findings/${id}/ack`, headers: auth(ALICE) })).statusCode).toBe(200);
      expect((await limited.inject({ method: 'GET', url: `/api/v1/findings/${id}`, headers: auth(BOB) })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('publishes an OpenAPI document of every route', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const path of ['/api/v1/status', '/api/v1/findings', '/api/v1/findings/{id}', '/api/v1/findings/{id}/evict', '/api/v1/incidents/{id}', '/api/v1/scans', '/api/v1/scans/{id}', '/api/v1/patterns', '/readyz']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(ops)) for (const code of ['200', '400', '401', '500']) {
        if (code === '200' && Object.keys(op.responses).some((c) => c.startsWith('2'))) continue;
        expect(Object.keys(op.responses), `${method} ${path}`).toContain(code);
      }
    }
    expect(Object.keys(doc.paths['/api/v1/findings/{id}/ack'].post.responses)).toContain('429');
    expect(Object.keys(doc.paths['/api/v1/status'].get.responses)).not.toContain('429');
  });
});

describe('scans and patterns through the service', () => {
  let service: Service;
  beforeAll(async () => {
    service = await startService(config, quietLog, { concurrency: 1 });
  });
  afterAll(async () => {
    await service?.close();
  });

  it('runs an on-demand scan through the queue and reports it done with its findings', async () => {
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    const res = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(), payload: { match: 'project:*' } });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    const done = await waitFor('the scan', async () => {
      const s = (await app.inject({ method: 'GET', url: `/api/v1/scans/${id}`, headers: auth() })).json();
      return s.state === 'done' ? s : undefined;
    });
    expect(done.findings.map((f: { key: string; kind: string }) => `${f.kind} ${f.key}`)).toContain('cross_tenant_payload project:globex:1043');
    expect((await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(), payload: { patterns: ['nope'] } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/scans/424242', headers: auth() })).statusCode).toBe(404);
  });

  it('lists the registry with live key counts', async () => {
    await db.redis.set('project:acme:1041', JSON.stringify({ id: 1041, tenant_id: 'acme' }));
    await requestSweep(service.deps, 'test');
    // Waits on the API itself: a sweep begun before this file's tables were emptied may finish too.
    const res = await waitFor('a sweep that counted the keys', async () => {
      const body = (await app.inject({ method: 'GET', url: '/api/v1/patterns', headers: auth() })).json();
      return body.items[0].keys > 0 ? body : undefined;
    });
    expect(res.items.map((p: { name: string; scoped: boolean }) => [p.name, p.scoped])).toEqual([['project', true], ['legacy', false]]);
    expect(res.items[1].keys).toBe(0);
  });
});

describe('a scan that takes a while', () => {
  let service: Service | undefined;
  afterAll(async () => {
    await service?.close();
  });

  it('reports its progress while it runs: state running, keys scanned so far and the total', async () => {
    const pipeline = db.redis.pipeline();
    for (let i = 0; i < 1500; i++) pipeline.set(`project:acme:${7000 + i}`, JSON.stringify({ id: 7000 + i, tenant_id: 'acme' }));
    await pipeline.exec();
    // 400 keys a second: the scan of ~1,500 keys runs for seconds.
    service = await startService({ ...config, sweep: { ...config.sweep, rate: 400 } }, quietLog, { concurrency: 1 });
    // The whole keyspace (no match): its total is known from DBSIZE up front.
    const res = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(), payload: { patterns: ['project'] } });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    const running = await waitFor('the scan under way', async () => {
      const s = (await app.inject({ method: 'GET', url: `/api/v1/scans/${id}`, headers: auth() })).json();
      return s.state === 'running' && s.scanned > 0 ? s : undefined;
    }, 20_000);
    expect(running.total).toBeGreaterThanOrEqual(1500);
    expect(running.scanned).toBeLessThan(running.total);
    const done = await waitFor('the scan', async () => {
      const s = (await app.inject({ method: 'GET', url: `/api/v1/scans/${id}`, headers: auth() })).json();
      return s.state === 'done' ? s : undefined;
    }, 30_000);
    expect(done.scanned).toBeGreaterThanOrEqual(1500);
  }, 60_000);
});

describe('ids beyond Postgres bigint', () => {
  it('refuses ids and cursors too long to be ours with 400, not a 500', async () => {
    const big = '9999999999999999999';
    for (const [method, url] of [['GET', `/api/v1/findings/${big}`], ['GET', `/api/v1/incidents/${big}`], ['POST', `/api/v1/findings/${big}/evict`], ['GET', `/api/v1/findings?incident=${big}`]] as const) {
      expect((await app.inject({ method, url, headers: auth() })).statusCode, url).toBe(400);
    }
    const cursor = Buffer.from(`id:${big}`).toString('base64url');
    expect((await app.inject({ method: 'GET', url: `/api/v1/findings?cursor=${cursor}`, headers: auth() })).statusCode).toBe(400);
  });
});

describe('silences', () => {
  it('creates a silence in the caller\'s name, lists it as active, and expires it', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await app.inject({ method: 'POST', url: '/api/v1/silences', headers: auth(BOB), payload: { kind: 'cross_tenant_payload', tenant: 'acme', reason: 'fix deploying', endsAt } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ kind: 'cross_tenant_payload', pattern: null, tenant: 'acme', createdBy: 'bob', active: true });
    const id = created.json().id as string;
    const active = (await app.inject({ method: 'GET', url: '/api/v1/silences?active=true', headers: auth() })).json();
    expect(active.items.map((s: { id: string }) => s.id)).toContain(id);
    const expired = await app.inject({ method: 'POST', url: `/api/v1/silences/${id}/expire`, headers: auth() });
    expect(expired.json()).toMatchObject({ id, active: false });
    expect((await app.inject({ method: 'GET', url: `/api/v1/silences/${id}`, headers: auth() })).json().active).toBe(false);
    expect((await app.inject({ method: 'POST', url: '/api/v1/silences/999999/expire', headers: auth() })).statusCode).toBe(404);
  });

  it('pages through incidents and silences with a cursor, newest first, each item once', async () => {
    await state.pool.query(`insert into incidents (kind, pattern, severity, status) select 'cross_tenant_payload', 'p' || g, 'critical', 'resolved' from generate_series(1, 5) g`);
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    for (const tenant of ['t1', 't2', 't3']) {
      expect((await app.inject({ method: 'POST', url: '/api/v1/silences', headers: auth(), payload: { tenant, reason: 'paging test', endsAt } })).statusCode).toBe(201);
    }
    const walk = async (path: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await app.inject({ method: 'GET', url: `${path}${path.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: auth() });
        expect(res.statusCode).toBe(200);
        const body = res.json() as { items: { id: string }[]; nextCursor?: string };
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((i) => i.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 20);
      return { seen, pages };
    };
    const incidents = await walk('/api/v1/incidents?status=resolved');
    expect(incidents.seen).toHaveLength(5);
    expect(new Set(incidents.seen).size).toBe(5);
    expect(incidents.seen.map(Number)).toEqual([...incidents.seen.map(Number)].sort((a, b) => b - a));
    expect(incidents.pages).toBe(3);
    const silences = await walk('/api/v1/silences?active=true');
    const ours = silences.seen;
    expect(new Set(ours).size).toBe(ours.length);
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(ours.map(Number)).toEqual([...ours.map(Number)].sort((a, b) => b - a));
  });

  it('answers a body that fails its schema with 400 and every problem, never a 5xx', async () => {
    for (const payload of [{ kind: 'x', reason: 'r', endsAt: 'not-a-date' }, { kind: 'x', endsAt: '2999-01-01T00:00:00Z' }, { kind: 'x', reason: 'r', endsAt: '2999-01-01T00:00:00Z', extra: 1 }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/silences', headers: auth(), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error).toBe('bad_request');
      expect(res.json().problems.length).toBeGreaterThan(0);
    }
    const both = await app.inject({ method: 'POST', url: '/api/v1/silences', headers: auth(), payload: { kind: 'x', endsAt: 'not-a-date' } });
    expect(both.json().problems).toHaveLength(2);
    // Every /api route lists them, not only this one.
    const scan = await app.inject({ method: 'POST', url: '/api/v1/scans', headers: auth(), payload: { limit: 'x', bogus: 1 } });
    expect(scan.statusCode).toBe(400);
    expect(scan.json().problems).toHaveLength(2);
  });

  it('refuses a silence that matches everything or has ended, listing each problem', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/silences', headers: auth(), payload: { reason: 'x', endsAt: new Date(Date.now() - 1000).toISOString() } });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual(['matchers: set at least one of kind, pattern, tenant', 'endsAt: must be in the future and after startsAt']);
  });
});

