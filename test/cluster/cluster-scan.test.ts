import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { openScanSession } from '../../src/scan/open-scan-context.js';
import { runScan } from '../../src/scan/run-scan.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';
import { seedOwners } from '../helpers/scan-fixture.js';

let cluster: RedisClusterHandle;
let pgs: PgSchema;
const KEYS = 600;

const config = (readFrom: 'master' | 'replica') =>
  parseConfigText(
    `
cache:
  cluster: { nodes: ["redis://127.0.0.1:${cluster.masters[0]!.port}"], readFrom: ${readFrom} }
source: { url: "${pgs.url}" }
sweep: { rate: 0, count: 50 }
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${pgs.schema}.projects, tenant: tenant_id, match: { id: project_id } }
`,
    {},
  );

beforeAll(async () => {
  cluster = await startRedisCluster();
  pgs = await usePgSchema();
  await seedOwners(pgs.pool, pgs.schema);
  const client = new Cluster(cluster.masters.map((m) => ({ host: m.host, port: m.port })));
  for (let i = 0; i < KEYS; i++) await client.set(`project:acme:${i}`, JSON.stringify({ tenant_id: 'acme' }));
  await client.set('project:acme:1041', JSON.stringify({ tenant_id: 'globex' }));
  // Replicas must hold every key before the replica scan counts them.
  for (const m of cluster.masters) {
    const node = client.nodes('master').find((n) => n.options.port === m.port)!;
    await node.call('WAIT', '1', '5000');
  }
  client.disconnect();
});

afterAll(async () => {
  await pgs?.cleanup();
  await cluster?.stop();
});

describe('scanning a real three-master Redis Cluster', () => {
  it.each(['master', 'replica'] as const)('scans every shard (readFrom %s) and checks every key', async (readFrom) => {
    const session = await openScanSession(config(readFrom));
    try {
      expect(session.cache.shards).toHaveLength(3);
      expect(session.cache.shards.every((s) => s.role === readFrom)).toBe(true);
      const report = await runScan(session.ctx, session.cache);
      expect(report.scanned).toBe(KEYS + 1);
      expect(report.unchecked.total).toBe(0);
      expect(report.findings.filter((f) => f.kind === 'cross_tenant_payload').map((f) => f.key)).toEqual(['project:acme:1041']);
    } finally {
      await session.close();
    }
  });

  it('routes named keys to the shard serving their slot', async () => {
    const session = await openScanSession(config('master'));
    try {
      const report = await runScan(session.ctx, session.cache, { keys: ['project:acme:1041', 'project:acme:7', 'project:acme:300'] });
      expect(report.scanned).toBe(3);
      expect(report.vanished).toBe(0);
      expect(report.findings.map((f) => f.kind)).toContain('cross_tenant_payload');
    } finally {
      await session.close();
    }
  });
});
