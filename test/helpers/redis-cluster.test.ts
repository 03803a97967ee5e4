import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { startRedisCluster, type RedisClusterHandle } from './redis-cluster.js';

const KEY_COUNT = 300;

describe('startRedisCluster', () => {
  let cluster: RedisClusterHandle;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = new Cluster(cluster.masters.map(({ host, port }) => ({ host, port })));
  });

  afterAll(async () => {
    if (client !== undefined && client.status !== 'end') await client.quit();
    await cluster?.stop();
  });

  it('starts three masters and three replicas that all report cluster_state:ok', async () => {
    expect(cluster.nodes).toHaveLength(6);
    expect(cluster.masters).toHaveLength(3);
    expect(cluster.replicas).toHaveLength(3);
    expect(cluster.masters.flatMap((m) => m.slots).reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(16384);
    for (const node of cluster.nodes) {
      const redis = new Redis(node);
      try {
        expect(String(await redis.call('CLUSTER', 'INFO'))).toMatch(/^cluster_state:ok\r?$/m);
      } finally {
        await redis.quit();
      }
    }
  });

  it('spreads keys written through the Cluster client over all three masters', async () => {
    const writes = Array.from({ length: KEY_COUNT }, (_, i) => client.set(`project:${i}`, `{"id":${i}}`));
    await Promise.all(writes);

    const sizes: number[] = [];
    for (const master of cluster.masters) {
      const redis = new Redis(master);
      try {
        sizes.push(await redis.dbsize());
      } finally {
        await redis.quit();
      }
    }
    expect(sizes.every((size) => size > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(KEY_COUNT);
  });

  it('lets each replica serve reads of its master’s keys after READONLY, and only then', async () => {
    for (const replica of cluster.replicas) {
      const master = new Redis(replica.master);
      const reader = new Redis(replica);
      try {
        const key = await master.randomkey();
        if (key === null) throw new Error(`master ${replica.master.port} holds no keys`);
        const expected = await master.get(key);
        // Replication is asynchronous; WAIT blocks until this master's replica has the writes.
        expect(await master.call('WAIT', '1', '5000')).toBe(1);

        await expect(reader.get(key)).rejects.toThrow(/MOVED/);
        expect(await reader.call('READONLY')).toBe('OK');
        expect(await reader.get(key)).toBe(expected);
      } finally {
        await master.quit();
        await reader.quit();
      }
    }
  });

  it('stop() leaves no process listening on any node port and removes its directory', async () => {
    await client.quit();
    await cluster.stop();

    const listening = await Promise.all(cluster.nodes.map(({ host, port }) => isListening(host, port)));
    expect(listening).toEqual(cluster.nodes.map(() => false));
    expect(existsSync(cluster.dir)).toBe(false);
  });
});

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
