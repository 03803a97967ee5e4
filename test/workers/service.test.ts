import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startService, requestSweep, type Service } from '../../workers/start-service.js';
import { processSampleJob } from '../../workers/sample-job.js';
import { batchId } from '../../workers/sweep-job.js';
import { readStatus } from '../../src/state/read-status.js';
import { recordBatch } from '../../src/state/record-batch.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { seedOwners } from '../helpers/scan-fixture.js';
import { quietLog, serviceConfig, waitFor, type ServiceConfigOptions } from '../helpers/service-fixture.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';

let db: RedisDb;
let source: PgSchema;
let state: StateSchema;
let service: Service | undefined;

beforeAll(async () => {
  db = await useRedisDb();
  source = await usePgSchema();
  await seedOwners(source.pool, source.schema);
  state = await useStateSchema();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(async () => {
  await db?.cleanup();
  await source?.cleanup();
  await state?.cleanup();
});

/** Empty cache and state, the seeded owners as seedOwners left them. */
async function fresh(): Promise<void> {
  await db.redis.flushdb();
  await state.pool.query('truncate findings, incidents, incident_events, sweeps, sweep_shards, sweep_batches, sweep_patterns, pattern_minutes restart identity cascade');
  await source.pool.query(`update ${source.schema}.projects set tenant_id = 'acme' where id = 1042`);
}

async function start(opts: Partial<ServiceConfigOptions> = {}): Promise<Service> {
  const config = serviceConfig({ cacheUrl: db.url, pgUrl: source.url, sourceSchema: source.schema, stateSchema: state.schema, ...opts });
  service = await startService(config, quietLog, { concurrency: 2 });
  return service;
}

const doneSweeps = async () => (await state.pool.query<{ id: string }>(`select id::text from sweeps where status = 'done' order by id`)).rows.map((r) => r.id);
const finding = async (key: string, kind: string) =>
  (await state.pool.query<{ status: string; confirmed: boolean; incident_id: string | null }>('select status, confirmed, incident_id::text from findings where key = $1 and kind = $2', [key, kind])).rows[0];
/** What the finished sweep jobs the queue still holds returned. */
const finishedSweepJobs = async (svc: Service) =>
  (await svc.deps.queues.sweep.getJobs(['completed'])).map((j) => j.returnvalue as { state: string; why?: string });
const incidents = async () => (await state.pool.query<{ kind: string; pattern: string; status: string }>('select kind, pattern, status from incidents order by id')).rows;

describe('the watchdog service', () => {
  it('finds a planted cross-tenant payload in its first sweep, confirms it and opens one incident for its pattern', async () => {
    await fresh();
    for (let i = 0; i < 50; i++) await db.redis.set(`project:acme:${2000 + i}`, JSON.stringify({ id: 2000 + i, tenant_id: 'acme' }));
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    await db.redis.set('project:globex:1041', JSON.stringify({ id: 1041, tenant_id: 'acme' }));
    await start();
    await waitFor('the first sweep', async () => (await doneSweeps()).length > 0);
    await waitFor('confirmation', async () => (await finding('project:globex:1043', 'cross_tenant_payload'))?.confirmed);
    await waitFor('the second confirmation', async () => (await finding('project:globex:1041', 'cross_tenant_payload'))?.confirmed);
    const kinds = (await incidents()).map((i) => `${i.kind}/${i.pattern}`).sort();
    // Two poisoned keys, one incident per (kind, pattern): they page once.
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toContain('cross_tenant_payload/project');
    const sweep = await state.pool.query<{ scanned: string }>(`select scanned::text from sweeps where status = 'done'`);
    expect(Number(sweep.rows[0]!.scanned)).toBe(52);
  });

  it('resolves the finding and its incident once the entry is repaired and the next sweep re-checks it', async () => {
    await fresh();
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    const s = await start();
    await waitFor('confirmation', async () => (await finding('project:globex:1043', 'cross_tenant_payload'))?.confirmed);
    await waitFor('the incident', async () => (await incidents()).some((i) => i.kind === 'cross_tenant_payload' && i.status === 'open'));
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'globex' }));
    await requestSweep(s.deps, 'test');
    await waitFor('the second sweep', async () => (await doneSweeps()).length >= 2);
    expect((await finding('project:globex:1043', 'cross_tenant_payload'))?.status).toBe('resolved');
    expect((await incidents()).every((i) => i.status === 'resolved')).toBe(true);
    const events = await state.pool.query<{ event: string }>('select event from incident_events order by id');
    expect(events.rows.map((e) => e.event).filter((e) => e === 'resolved').length).toBe(events.rows.filter((e) => e.event === 'opened').length);
  });

  it('resolves the findings of a key that expired between sweeps', async () => {
    await fresh();
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    const s = await start();
    await waitFor('confirmation', async () => (await finding('project:globex:1043', 'cross_tenant_payload'))?.confirmed);
    await db.redis.del('project:globex:1043');
    await requestSweep(s.deps, 'test');
    await waitFor('the second sweep', async () => (await doneSweeps()).length >= 2);
    expect((await finding('project:globex:1043', 'cross_tenant_payload'))?.status).toBe('resolved');
  });

  it('does not open an incident when a racing write repairs the entry before confirmation', async () => {
    await fresh();
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    await start({ confirmAfter: '3s' });
    await waitFor('the unconfirmed finding', async () => (await finding('project:globex:1043', 'cross_tenant_payload')) !== undefined);
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'globex' }));
    await waitFor('the re-check', async () => (await finding('project:globex:1043', 'cross_tenant_payload'))?.status === 'resolved', 10_000);
    expect(await incidents()).toEqual([]);
  });

  it('does not open an incident when the row changes owner before confirmation', async () => {
    await fresh();
    // globex's key caches project 1042, which acme owns: key_owner_mismatch until 1042 moves to globex.
    await db.redis.set('project:globex:1042', JSON.stringify({ id: 1042, tenant_id: 'globex' }));
    await start({ confirmAfter: '3s' });
    await waitFor('the unconfirmed finding', async () => (await finding('project:globex:1042', 'key_owner_mismatch')) !== undefined);
    await source.pool.query(`update ${source.schema}.projects set tenant_id = 'globex' where id = 1042 and tenant_id = 'acme'`);
    await waitFor('the re-check', async () => (await finding('project:globex:1042', 'key_owner_mismatch'))?.status === 'resolved', 10_000);
    expect(await incidents()).toEqual([]);
  });

  it('samples random keys between sweeps and records what they show', async () => {
    await fresh();
    const s = await start({ sample: 600 });
    await waitFor('the first sweep of an empty cache', async () => (await doneSweeps()).length > 0);
    for (let i = 0; i < 4; i++) await db.redis.set(`project:acme:${3000 + i}`, JSON.stringify({ id: 3000 + i, tenant_id: 'acme' }));
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    // The queue's own keys share this db (RANDOMKEY may draw them; checks skip them): with ~20
    // keys in all, 600 draws miss the poisoned one with probability (19/20)^600 ≈ 4e-14.
    const result = await processSampleJob(s.deps);
    expect(result).toMatchObject({ state: 'done' });
    expect((await finding('project:globex:1043', 'cross_tenant_payload'))?.status).toBe('open');
  });

  it('reports the last sweep, keys per pattern, open incidents, correctness nines and sampling odds in its status', async () => {
    await fresh();
    await source.pool.query(`insert into ${source.schema}.projects select 'acme', g, 'bulk' from generate_series(4000, 4098) g on conflict do nothing`);
    for (let i = 0; i < 99; i++) await db.redis.set(`project:acme:${4000 + i}`, JSON.stringify({ id: 4000 + i, tenant_id: 'acme' }));
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    // No sampling in the service: the figures below are the sweep's alone.
    await start();
    await waitFor('the confirmed finding', async () => (await finding('project:globex:1043', 'cross_tenant_payload'))?.incident_id);
    await waitFor('the first sweep', async () => (await doneSweeps()).length > 0);
    const status = await readStatus(state.pool, { samplePerMinute: 100 });
    expect(status.currentSweep).toBeUndefined();
    expect(status.lastSweep).toMatchObject({ status: 'done', scanned: 100, total: expect.any(Number) });
    expect(status.keysPerPattern).toEqual({ project: 100 });
    expect(status.openIncidents.critical).toBeGreaterThanOrEqual(1);
    // One wrong key in the hundred the sweep checked: 99 % correct, two nines.
    expect(status.correctness.patterns.project).toEqual({ checked: 100, wrong: 1, ratio: 0.99, nines: 2 });
    expect(status.sampling.detection.map((d) => d.badShare)).toEqual([0.0001, 0.001, 0.01]);
    expect(status.sampling.detection[2]!.probability).toBeGreaterThan(0.99);
    // Per pattern: its share of the keyspace gets that share of the samples.
    const total = Math.max(status.lastSweep!.total ?? 0, 100);
    const share = 100 / total;
    expect(status.sampling.patterns).toEqual([{ pattern: 'project', keyspaceShare: expect.closeTo(share, 5), detection: expect.any(Array) }]);
    const perPattern = status.sampling.patterns[0]!.detection[1]!;
    expect(perPattern.badShare).toBe(0.001);
    expect(perPattern.probability).toBeCloseTo(1 - (1 - 0.001 * share) ** 6000, 3);
  });

  it('fails a resumed sweep whose queued batches were lost with the queue, and starts a new one instead of waiting forever', async () => {
    await fresh();
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    // A sweep that walked the whole keyspace and queued a batch the queue Redis no longer has.
    const lost = await state.pool.query<{ id: string }>(`insert into sweeps (reason) values ('before a queue restart') returning id::text`);
    const id = lost.rows[0]!.id;
    await state.pool.query(`insert into sweep_shards (sweep_id, shard, cursor, done) values ($1, $2, '0', true)`, [id, db.url]);
    await state.pool.query(`insert into sweep_batches (sweep_id, batch_id) values ($1, 'gone')`, [id]);
    await start();
    await waitFor('the lost sweep to fail', async () => (await state.pool.query(`select 1 from sweeps where id = $1 and status = 'failed'`, [id])).rowCount === 1, 20_000);
    await waitFor('a new complete sweep', async () => (await doneSweeps()).length > 0, 20_000);
    expect((await finding('project:globex:1043', 'cross_tenant_payload'))?.status).toBe('open');
  }, 45_000);

  it('skips a scheduled tick that comes within sweep.every of the last sweep\'s start (a scheduler registered again after a queue Redis restart queues one at once)', async () => {
    await fresh();
    await db.redis.set('project:acme:1042', JSON.stringify({ id: 1042, tenant_id: 'acme' }));
    const svc = await start();
    await waitFor('the first sweep', async () => (await doneSweeps()).length === 1);
    await svc.deps.queues.sweep.add('sweep', { reason: 'scheduled' }, { jobId: 'early-tick' });
    const skipped = await waitFor('the early tick to finish', async () => (await finishedSweepJobs(svc)).find((r) => r.why?.includes('within sweep.every')));
    expect(skipped.why).toMatch(/^sweep \d+ started [\d.]+ s ago, within sweep\.every$/);
    expect(await doneSweeps()).toHaveLength(1);
  });

  it('lets a retried sweep job whose sweep another process finished end there, starting no second sweep', async () => {
    await fresh();
    await db.redis.set('project:acme:1042', JSON.stringify({ id: 1042, tenant_id: 'acme' }));
    const svc = await start();
    await waitFor('the first sweep', async () => (await doneSweeps()).length === 1);
    const [id] = await doneSweeps();
    // What a job that claimed the sweep, stalled and came back carries.
    await svc.deps.queues.sweep.add('sweep', { reason: 'requested', sweepId: Number(id) }, { jobId: 'claimed-before' });
    const skipped = await waitFor('the retried job to finish', async () => (await finishedSweepJobs(svc)).find((r) => r.why?.includes('has ended')));
    expect(skipped).toEqual({ state: 'skipped', why: `its sweep ${id} has ended (done)` });
    expect(await doneSweeps()).toEqual([id]);
  });

  it('stops a sweep whose lock connection dropped, and its retry takes the lock again and completes it with every key counted', async () => {
    await fresh();
    await source.pool.query(`insert into ${source.schema}.projects select 'acme', g, 'bulk' from generate_series(6000, 8999) g on conflict do nothing`);
    const seed = db.redis.pipeline();
    for (let i = 6000; i < 9000; i++) seed.set(`project:acme:${i}`, JSON.stringify({ id: i, tenant_id: 'acme' }));
    await seed.exec();
    // 3,000 keys at 1,000 keys/s: a sweep of about three seconds.
    const svc = await start({ rate: 1000 });
    const running = await waitFor('the sweep to pass 300 keys', async () =>
      (await state.pool.query<{ id: string }>(`select id::text from sweeps where status = 'running' and scanned >= 300`)).rows[0]);
    // The backend holding this schema's sweep lock (a bigint key: classid is its high half).
    const terminated = await state.pool.query<{ ok: boolean }>(
      `select pg_terminate_backend(l.pid) as ok from pg_locks l
        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
          and l.classid::bigint = (hashtext($1)::bigint >> 32) & 4294967295
          and l.objid::bigint = hashtext($1)::bigint & 4294967295`,
      [`tenantwatch:sweep:${state.schema}`],
    );
    expect(terminated.rows.map((r) => r.ok)).toEqual([true]);
    await waitFor('the sweep to finish', async () => (await doneSweeps()).includes(running.id), 30_000);
    const sweep = await state.pool.query<{ scanned: string }>('select scanned::text from sweeps where id = $1', [running.id]);
    expect(Number(sweep.rows[0]!.scanned)).toBeGreaterThanOrEqual(3000);
    expect(await doneSweeps()).toEqual([running.id]);
    const jobs = await svc.deps.queues.sweep.getJobs(['completed']);
    expect(jobs.some((j) => (j.stacktrace ?? []).some((t) => t.includes('the sweep lock was lost')))).toBe(true);
  }, 45_000);

  it('checks and counts the keys of a page it re-reads from a checkpoint when the page now holds other keys than its first read', async () => {
    await fresh();
    await source.pool.query(`insert into ${source.schema}.projects select 'acme', g, 'bulk' from generate_series(5000, 5029) g on conflict do nothing`);
    for (let i = 0; i < 30; i++) await db.redis.set(`project:acme:${5000 + i}`, JSON.stringify({ id: 5000 + i, tenant_id: 'acme' }));
    // The walk had queued and checked the page at cursor 0 (then one key), but its checkpoint
    // did not save: the resumed walk reads cursor 0 again, and finds other keys there now.
    const unfinished = await state.pool.query<{ id: string }>(`insert into sweeps (reason) values ('checkpoint lost') returning id::text`);
    const id = Number(unfinished.rows[0]!.id);
    await state.pool.query(`insert into sweep_shards (sweep_id, shard) values ($1, $2)`, [id, db.url]);
    const firstRead = [Buffer.from('project:acme:4999')];
    await recordBatch(state.pool, {
      findings: [], checkedKeys: ['project:acme:4999'], uncheckedKeys: [], perPattern: new Map([['project', 1]]),
      sweepId: id, batchId: batchId(id, 'n', '0', firstRead), scanned: 1, minSeverity: 'critical',
    });
    await start();
    await waitFor('the resumed sweep to finish', async () => (await doneSweeps()).includes(String(id)), 20_000);
    const done = await state.pool.query<{ scanned: string; keys: string }>(
      `select s.scanned::text, p.keys::text from sweeps s join sweep_patterns p on p.sweep_id = s.id and p.pattern = 'project' where s.id = $1`,
      [id],
    );
    expect(done.rows[0]).toEqual({ scanned: '31', keys: '31' });
  }, 30_000);
});

describe('a sweep batch id', () => {
  it('names a page by its cursor and its keys: the same page read again gets the same id, other keys at that cursor another', () => {
    const page = [Buffer.from('project:acme:1'), Buffer.from('project:acme:2')];
    expect(batchId(7, '10.0.0.1:6379', '1536', page)).toBe(batchId(7, '10.0.0.1:6379', '1536', [...page]));
    expect(batchId(7, '10.0.0.1:6379', '1536', page)).not.toBe(batchId(7, '10.0.0.1:6379', '1536', page.slice(1)));
    // Key boundaries count: two keys are not their concatenation.
    expect(batchId(7, 'n', '0', [Buffer.from('ab'), Buffer.from('c')])).not.toBe(batchId(7, 'n', '0', [Buffer.from('a'), Buffer.from('bc')]));
    expect(batchId(7, '10.0.0.1:6379', '1536', page)).not.toContain(':');
  });
});
