import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../workers/start-service.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { setOnCluster, shardOfKey, startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { seedOwners } from '../helpers/scan-fixture.js';
import { clusterServiceConfig, quietLog, waitFor } from '../helpers/service-fixture.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';

// Redis publishes a key event only on the node that ran the write, never on its replicas: a
// watchdog reading from replicas must still listen to the masters.
let cluster: RedisClusterHandle;
let queue: RedisDb;
let source: PgSchema;
let state: StateSchema;
let service: Service | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster({ replicas: true });
  queue = await useRedisDb();
  source = await usePgSchema();
  await seedOwners(source.pool, source.schema);
  await source.pool.query(`insert into ${source.schema}.projects select 'acme', g, 'bulk' from generate_series(5000, 5010) g`);
  state = await useStateSchema();
});
afterAll(async () => {
  await service?.close();
  await cluster?.stop();
  await queue?.cleanup();
  await source?.cleanup();
  await state?.cleanup();
});

describe('real-time checks on a Redis Cluster read from replicas', () => {
  it('subscribes to and configures the masters, where key events are published, and confirms keys written on several shards', async () => {
    const config = clusterServiceConfig({ seedPort: cluster.masters[0]!.port, queueUrl: queue.url, pgUrl: source.url, sourceSchema: source.schema, stateSchema: state.schema, readFrom: 'replica', realtime: true });
    const s = await startService(config, quietLog, { concurrency: 2 });
    service = s;
    await waitFor('the start-up sweep', async () => (await state.pool.query(`select 1 from sweeps where status = 'done'`)).rowCount === 1, 30_000);
    await waitFor('real-time checks on', async () => s.realtime?.status().enabled, 15_000);
    // The flags were set where the events come from, and the replicas left alone.
    for (const m of cluster.masters) {
      const node = new Redis({ host: m.host, port: m.port });
      try {
        expect(((await node.config('GET', 'notify-keyspace-events')) as string[])[1]).toContain('E');
        await waitFor(`a subscriber on master ${m.port}`, async () => ((await node.pubsub('NUMSUB', '__keyevent@0__:set')) as [string, number])[1] === 1);
      } finally {
        node.disconnect();
      }
    }
    for (const r of cluster.replicas) {
      const node = new Redis({ host: r.host, port: r.port });
      try {
        expect(((await node.config('GET', 'notify-keyspace-events')) as string[])[1]).toBe('');
      } finally {
        node.disconnect();
      }
    }
    for (const r of cluster.replicas) {
      const node = new Redis({ host: r.host, port: r.port });
      try {
        await waitFor(`replica ${r.port} in sync`, async () => /master_link_status:up/.test(await node.info('replication')));
      } finally {
        node.disconnect();
      }
    }
    const shardOf = (k: string) => shardOfKey(cluster, k);
    const written = ['project:acme:5001', 'project:acme:5002', 'project:acme:5003', 'project:acme:5004', 'project:acme:5005', 'project:acme:5006'];
    expect(new Set(written.map(shardOf)).size).toBeGreaterThan(1);
    await setOnCluster(cluster, written.map((k) => [k, JSON.stringify({ id: Number(k.split(':')[2]), tenant_id: 'globex' })]));
    // sweep.every is 1h and the first sweep saw none of them: only real time can find them.
    await waitFor('every written key confirmed', async () => {
      const rows = await state.pool.query(`select key from findings where kind = 'cross_tenant_payload' and confirmed and key = any($1)`, [written]);
      return rows.rowCount === written.length;
    }, 20_000);
    expect((await state.pool.query('select id from sweeps')).rowCount).toBe(1);
  }, 60_000);
});
