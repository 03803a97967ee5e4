import { createHash } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { cacheAccess, credentialsOf } from '../../src/http/cache-access.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';

const PASSWORD = 'cluster-secret-1';
let cluster: RedisClusterHandle;

beforeAll(async () => {
  cluster = await startRedisCluster({ replicas: false, password: PASSWORD });
});
afterAll(async () => {
  await cluster?.stop();
});

const sha = (v: string) => createHash('sha256').update(v).digest('hex');

describe('the API’s access to a password-protected Redis Cluster', () => {
  it('pings and evicts with the credentials of the seed URL', async () => {
    const seed = `redis://:${PASSWORD}@127.0.0.1:${cluster.masters[0]!.port}`;
    const config = parseConfigText(`cache:\n  cluster: { nodes: ["${seed}"] }\n`, {});
    const client = new Cluster(cluster.masters.map((m) => ({ host: m.host, port: m.port })), { redisOptions: { password: PASSWORD } });
    const access = cacheAccess(config);
    try {
      const value = JSON.stringify({ tenant_id: 'acme' });
      // Keys on different shards: the evict must reach each key's master.
      await client.set('project:globex:1', value);
      await client.set('project:initech:2', value);
      await access.ping();
      expect(await access.evict('project:globex:1', sha(value))).toEqual({ evicted: true, reason: 'evicted' });
      expect(await access.evict('project:initech:2', sha('something else'))).toEqual({ evicted: false, reason: 'the value changed since the finding was recorded' });
      expect(await client.exists('project:globex:1')).toBe(0);
      expect(await client.exists('project:initech:2')).toBe(1);
    } finally {
      await access.close();
      await client.quit();
    }
  });

  it('refuses to ping with a wrong password, naming the cause', async () => {
    const config = parseConfigText(`cache:\n  cluster: { nodes: ["redis://:wrong@127.0.0.1:${cluster.masters[0]!.port}"] }\n`, {});
    const access = cacheAccess(config);
    try {
      await expect(access.ping()).rejects.toThrow(/cache ping: /);
    } finally {
      await access.close();
    }
  });

  it('reads user, password and TLS from a seed URL', () => {
    expect(credentialsOf('rediss://ops:p%40ss@cache.internal:6380')).toEqual({ username: 'ops', password: 'p@ss', tls: {} });
    expect(credentialsOf('redis://127.0.0.1:7000')).toEqual({});
  });
});
