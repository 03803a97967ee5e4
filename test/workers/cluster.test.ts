import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../workers/start-service.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { setOnCluster, shardOfKey, startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { seedOwners } from '../helpers/scan-fixture.js';
import { clusterServiceConfig, quietLog, waitFor } from '../helpers/service-fixture.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';

let cluster: RedisClusterHandle;
let queue: RedisDb;
let source: PgSchema;
let state: StateSchema;
let service: Service | undefined;
const KEYS = 400;
const POISONED = ['project:globex:1043', 'project:globex:1041', 'project:initech:1042'];

beforeAll(async () => {
  cluster = await startRedisCluster({ replicas: false });
  queue = await useRedisDb();
  source = await usePgSchema();
  await seedOwners(source.pool, source.schema);
  await source.pool.query(`insert into ${source.schema}.projects select 'acme', g, 'bulk' from generate_series(5000, ${5000 + KEYS - 1}) g`);
  state = await useStateSchema();
  await setOnCluster(cluster, [
    ...Array.from({ length: KEYS }, (_, i): [string, string] => [`project:acme:${5000 + i}`, JSON.stringify({ id: 5000 + i, tenant_id: 'acme' })]),
    ...POISONED.map((k): [string, string] => [k, JSON.stringify({ id: Number(k.split(':')[2]), tenant_id: 'acme' })]),
  ]);
});
afterAll(async () => {
  await service?.close();
  await cluster?.stop();
  await queue?.cleanup();
  await source?.cleanup();
  await state?.cleanup();
});

describe('the watchdog on a Redis Cluster', () => {
  it('sweeps every shard with its own checkpointed walk and finds the poisoned keys on each', async () => {
    const config = clusterServiceConfig({ seedPort: cluster.masters[0]!.port, queueUrl: queue.url, pgUrl: source.url, sourceSchema: source.schema, stateSchema: state.schema });
    service = await startService(config, quietLog, { concurrency: 2 });
    await waitFor('the sweep', async () => (await state.pool.query(`select 1 from sweeps where status = 'done'`)).rowCount === 1, 30_000);
    const shards = await state.pool.query<{ shard: string; done: boolean; pages: string }>('select shard, done, pages::text from sweep_shards order by shard');
    expect(shards.rows).toHaveLength(3);
    expect(shards.rows.every((s) => s.done && Number(s.pages) > 0)).toBe(true);
    const scanned = await state.pool.query<{ scanned: string }>('select scanned::text from sweeps');
    expect(Number(scanned.rows[0]!.scanned)).toBe(KEYS + POISONED.length);
    const flagged = await state.pool.query<{ key: string }>(`select distinct key from findings where kind = 'cross_tenant_payload' order by key`);
    expect(flagged.rows.map((r) => r.key)).toEqual([...POISONED].sort());
    const shardOf = (k: string) => shardOfKey(cluster, k);
    // The planted keys live on more than one shard, so more than one walk found them.
    expect(new Set(POISONED.map(shardOf)).size).toBeGreaterThan(1);
  });

  it('checks keys written on every master in real time, each shard subscribed on its own', async () => {
    await service?.close();
    service = undefined;
    await state.pool.query('truncate findings, incidents, incident_events, sweeps, sweep_shards, sweep_batches, sweep_patterns, pattern_minutes restart identity cascade');
    const config = clusterServiceConfig({ seedPort: cluster.masters[0]!.port, queueUrl: queue.url, pgUrl: source.url, sourceSchema: source.schema, stateSchema: state.schema, realtime: true });
    const s = await startService(config, quietLog, { concurrency: 2 });
    service = s;
    await waitFor(`real-time checks on (${JSON.stringify(s.realtime?.status())})`, async () => s.realtime?.status().enabled, 15_000);
    const shardOf = (k: string) => shardOfKey(cluster, k);
    // Keys of acme's own projects, now written with another tenant's data, on different shards.
    const written = ['project:acme:5001', 'project:acme:5002', 'project:acme:5003', 'project:acme:5004', 'project:acme:5005', 'project:acme:5006'];
    expect(new Set(written.map(shardOf)).size).toBeGreaterThan(1);
    await setOnCluster(cluster, written.map((k) => [k, JSON.stringify({ id: Number(k.split(':')[2]), tenant_id: 'globex' })]));
    await waitFor('every written key confirmed', async () => {
      const rows = await state.pool.query<{ key: string }>(`select key from findings where kind = 'cross_tenant_payload' and confirmed and key = any($1)`, [written]);
      return rows.rowCount === written.length;
    }, 20_000);
    // The job scheduler the first test registered runs the next sweep in an hour: no sweep ran,
    // only the real-time path can have found them.
    expect((await state.pool.query('select id from sweeps')).rowCount).toBe(0);
  }, 60_000);
});
