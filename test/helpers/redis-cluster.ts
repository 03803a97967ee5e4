/**
 * Starts a real Redis Cluster (3 masters, by default each with one replica) from local
 * redis-server processes, for tests of cluster-wide scanning and replica reads.
 *
 *   const cluster = await startRedisCluster();
 *   // new Cluster(cluster.masters) …
 *   await cluster.stop();
 *
 * Needs `redis-server` and `redis-cli` (7.x) on PATH; no Docker.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { keySlot } from '../../src/cache/key-slot.js';

/** Which master (its index in `masters`) serves the hash slot of `key`. */
export function shardOfKey(cluster: Pick<RedisClusterHandle, 'masters'>, key: string): number {
  const slot = keySlot(Buffer.from(key));
  return cluster.masters.findIndex((m) => m.slots.some(([first, last]) => slot >= first && slot <= last));
}

/** Writes each [key, value] through a cluster client, as the application would. */
export async function setOnCluster(cluster: Pick<RedisClusterHandle, 'masters'>, entries: readonly [string, string][]): Promise<void> {
  const client = new Cluster(cluster.masters.map((m) => ({ host: m.host, port: m.port })));
  try {
    for (const [key, value] of entries) await client.set(key, value);
  } finally {
    await client.quit();
  }
}

/** Where one cluster node listens. */
export interface NodeAddress {
  host: string;
  port: number;
}

/** A master and the hash slots it serves, as inclusive [first, last] ranges. */
export interface ClusterMaster extends NodeAddress {
  slots: [number, number][];
}

/** A replica and the master it copies. */
export interface ClusterReplica extends NodeAddress {
  master: NodeAddress;
}

/** A running cluster; `stop()` must be awaited (e.g. in afterAll). */
export interface RedisClusterHandle {
  /** Every node, masters and replicas, in port order. */
  nodes: NodeAddress[];
  masters: ClusterMaster[];
  replicas: ClusterReplica[];
  /** Temporary directory holding nodes-<port>.conf; removed by stop(). */
  dir: string;
  /** SHUTDOWN NOSAVE every node, kill what lingers, remove `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartRedisClusterOptions {
  /** First port; the cluster uses basePort..basePort+5 (and +10000 for the cluster bus). */
  basePort?: number;
  /** One replica per master (default true); false starts 3 masters only. */
  replicas?: boolean;
  /** requirepass (and masterauth) on every node; the helper's own clients authenticate with it. */
  password?: string;
}

const HOST = '127.0.0.1';
const MASTERS = 3;
// Redis opens the cluster bus on port + 10000; both must be free.
const BUS_OFFSET = 10_000;
const DEFAULT_BASE_PORT = 7100;
// Ranges are 10 ports apart so that a parallel test file (another VITEST_POOL_ID) gets its own.
const RANGE_STEP = 10;
const RANGE_ATTEMPTS = 20;
// A cluster on a busy 2-core CI machine forms in 2-5 s; 30 s is the point where waiting longer
// would not help and the logs say more than a timeout would.
const FORM_TIMEOUT_MS = 30_000;
const POLL_MS = 100;
const SHUTDOWN_GRACE_MS = 5_000;
const LOG_TAIL_BYTES = 4_000;

interface NodeProcess {
  port: number;
  password?: string;
  child: ChildProcess;
  log: string;
}

interface LiveCluster {
  dir: string;
  processes: NodeProcess[];
}

const live = new Set<LiveCluster>();

export async function startRedisCluster(opts: StartRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const withReplicas = opts.replicas ?? true;
  const count = withReplicas ? MASTERS * 2 : MASTERS;
  const basePort = await chooseBasePort(opts.basePort, count);
  const ports = Array.from({ length: count }, (_, i) => basePort + i);

  const dir = await mkdtemp(join(tmpdir(), 'tw-redis-cluster-'));
  const cluster: LiveCluster = { dir, processes: [] };
  live.add(cluster);
  installExitCleanup();

  try {
    cluster.processes = ports.map((port) => spawnNode(port, dir, opts.password));
    await Promise.all(cluster.processes.map((node) => waitForPing(node)));
    await createCluster(ports, withReplicas, opts.password);
    const topology = await waitForHealthyCluster(cluster.processes, withReplicas);
    let stopped: Promise<void> | undefined;
    return {
      nodes: ports.map((port) => ({ host: HOST, port })),
      masters: topology.masters,
      replicas: topology.replicas,
      dir,
      stop: () => (stopped ??= stopCluster(cluster)),
    };
  } catch (err) {
    await stopCluster(cluster);
    throw err;
  }
}

async function chooseBasePort(explicit: number | undefined, count: number): Promise<number> {
  if (explicit !== undefined) {
    const busy = await busyPorts(explicit, count);
    if (busy.length > 0) throw new Error(`Redis Cluster ports in use: ${busy.join(', ')}`);
    return explicit;
  }
  const fromEnv = process.env.REDIS_CLUSTER_BASE_PORT;
  const start = fromEnv !== undefined ? Number.parseInt(fromEnv, 10) : DEFAULT_BASE_PORT;
  if (!Number.isInteger(start) || start < 1024) {
    throw new Error(`REDIS_CLUSTER_BASE_PORT must be a port number >= 1024, got ${JSON.stringify(fromEnv)}`);
  }
  // Each vitest fork slot starts in its own range, so parallel files do not race for one.
  const poolId = Number.parseInt(process.env.VITEST_POOL_ID ?? '1', 10);
  const slot = Number.isInteger(poolId) && poolId > 0 ? poolId - 1 : 0;
  for (let attempt = 0; attempt < RANGE_ATTEMPTS; attempt++) {
    const base = start + (slot * RANGE_ATTEMPTS + attempt) * RANGE_STEP;
    if (base + count - 1 + BUS_OFFSET > 65_535) break;
    if ((await busyPorts(base, count)).length === 0) return base;
  }
  throw new Error(`no free range of ${count} ports (plus cluster bus ports) from ${start}`);
}

async function busyPorts(base: number, count: number): Promise<number[]> {
  const ports = Array.from({ length: count }, (_, i) => base + i).flatMap((p) => [p, p + BUS_OFFSET]);
  const free = await Promise.all(ports.map(isPortFree));
  return ports.filter((_, i) => !free[i]);
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

function spawnNode(port: number, dir: string, password: string | undefined): NodeProcess {
  const child = spawn(
    'redis-server',
    [
      '--port', String(port),
      // Loopback only: a throwaway, password-less cluster must not be reachable from outside.
      '--bind', HOST,
      '--cluster-enabled', 'yes',
      '--cluster-config-file', `nodes-${port}.conf`,
      '--cluster-node-timeout', '5000',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
      '--daemonize', 'no',
      ...(password === undefined ? [] : ['--requirepass', password, '--masterauth', password]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const node: NodeProcess = { port, password, child, log: '' };
  const append = (chunk: Buffer): void => {
    node.log = (node.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('error', (err) => {
    node.log += `\nspawn failed: ${err.message}`;
  });
  return node;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** A short-lived client that fails at once instead of reconnecting. */
function connectOnce(port: number, password?: string): Redis {
  const redis = new Redis({
    host: HOST,
    port,
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined); // reported through the rejected command instead
  return redis;
}

async function waitForPing(node: NodeProcess): Promise<void> {
  const deadline = Date.now() + FORM_TIMEOUT_MS;
  for (;;) {
    if (hasExited(node.child)) {
      throw new Error(`redis-server on port ${node.port} exited at start:\n${node.log}`);
    }
    const redis = connectOnce(node.port, node.password);
    try {
      await redis.connect();
      if ((await redis.ping()) === 'PONG') return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`redis-server on port ${node.port} did not answer PING:\n${node.log}`, { cause: err });
      }
    } finally {
      redis.disconnect();
    }
    await sleep(POLL_MS);
  }
}

function createCluster(ports: number[], withReplicas: boolean, password: string | undefined): Promise<void> {
  const args = [
    ...(password === undefined ? [] : ['-a', password, '--no-auth-warning']),
    '--cluster', 'create',
    ...ports.map((port) => `${HOST}:${port}`),
    '--cluster-replicas', withReplicas ? '1' : '0',
    '--cluster-yes',
  ];
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: FORM_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: err }));
      else resolve();
    });
  });
}

interface Topology {
  masters: ClusterMaster[];
  replicas: ClusterReplica[];
}

/**
 * Waits until every node says cluster_state:ok and knows every other node, and every replica's
 * link to its master is up (so reads from it see the master's writes after a short lag).
 */
async function waitForHealthyCluster(processes: NodeProcess[], withReplicas: boolean): Promise<Topology> {
  const clients = processes.map((node) => connectOnce(node.port, node.password));
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const deadline = Date.now() + FORM_TIMEOUT_MS;
    let lastProblem = 'not checked yet';
    for (;;) {
      const problem = await clusterProblem(clients, processes);
      if (problem === null) {
        const topology = parseClusterNodes(String(await clients[0]!.call('CLUSTER', 'NODES')));
        const expectedReplicas = withReplicas ? MASTERS : 0;
        if (topology.masters.length === MASTERS && topology.replicas.length === expectedReplicas) return topology;
        lastProblem = `topology has ${topology.masters.length} masters and ${topology.replicas.length} replicas`;
      } else {
        lastProblem = problem;
      }
      if (Date.now() > deadline) {
        throw new Error(`Redis Cluster did not become healthy within ${FORM_TIMEOUT_MS} ms: ${lastProblem}`);
      }
      await sleep(POLL_MS);
    }
  } finally {
    for (const c of clients) c.disconnect();
  }
}

async function clusterProblem(clients: Redis[], processes: NodeProcess[]): Promise<string | null> {
  for (const [i, client] of clients.entries()) {
    const port = processes[i]!.port;
    const info = parseInfo(String(await client.call('CLUSTER', 'INFO')));
    if (info.get('cluster_state') !== 'ok') return `port ${port}: cluster_state:${info.get('cluster_state')}`;
    if (info.get('cluster_known_nodes') !== String(clients.length)) {
      return `port ${port}: knows ${info.get('cluster_known_nodes')} of ${clients.length} nodes`;
    }
    const replication = parseInfo(await client.info('replication'));
    if (replication.get('role') === 'slave' && replication.get('master_link_status') !== 'up') {
      return `replica on port ${port}: master_link_status:${replication.get('master_link_status')}`;
    }
  }
  return null;
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** CLUSTER NODES lines: `<id> <ip:port@bus[,hostname]> <flags> <master-id|-> <ping> <pong> <epoch> <link> <slot>…` */
function parseClusterNodes(text: string): Topology {
  const rows = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', address = '', flags = '', masterId = '', , , , , ...slotFields] = line.trim().split(' ');
      const hostPort = address.split('@')[0] ?? '';
      const colon = hostPort.lastIndexOf(':');
      return {
        id,
        host: hostPort.slice(0, colon) || HOST,
        port: Number(hostPort.slice(colon + 1)),
        flags: flags.split(','),
        masterId,
        slots: slotFields
          .filter((s) => !s.startsWith('['))
          .map((s): [number, number] => {
            const [first, last] = s.split('-').map(Number);
            return [first!, last ?? first!];
          }),
      };
    });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const masters = rows
    .filter((row) => row.flags.includes('master'))
    .map((row) => ({ host: row.host, port: row.port, slots: row.slots }))
    .sort((a, b) => a.port - b.port);
  const replicas = rows
    .filter((row) => row.flags.includes('slave'))
    .map((row) => {
      const master = byId.get(row.masterId);
      if (!master) throw new Error(`replica on port ${row.port} names unknown master ${row.masterId}`);
      return { host: row.host, port: row.port, master: { host: master.host, port: master.port } };
    })
    .sort((a, b) => a.port - b.port);
  return { masters, replicas };
}

async function stopCluster(cluster: LiveCluster): Promise<void> {
  await Promise.all(cluster.processes.map(stopNode));
  live.delete(cluster);
  if (live.size === 0) removeExitCleanup();
  await rm(cluster.dir, { recursive: true, force: true });
}

async function stopNode(node: NodeProcess): Promise<void> {
  if (hasExited(node.child)) return;
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  const redis = connectOnce(node.port, node.password);
  try {
    await redis.connect();
    await redis.call('SHUTDOWN', 'NOSAVE');
  } catch {
    // Expected: a successful SHUTDOWN closes the connection before any reply, and a node that
    // no longer answers is killed below either way.
  } finally {
    redis.disconnect();
  }
  if (hasExited(node.child)) return;
  const grace = sleep(SHUTDOWN_GRACE_MS).then(() => 'timeout' as const);
  if ((await Promise.race([exited.then(() => 'exited' as const), grace])) === 'timeout') {
    node.child.kill('SIGKILL');
    await exited;
  }
}

// If a test file crashes or vitest terminates its fork (SIGTERM) before afterAll, the servers
// would outlive it and hold their ports; kill them synchronously on the way out.
function killAllSync(): void {
  for (const cluster of live) {
    for (const node of cluster.processes) {
      if (!hasExited(node.child)) node.child.kill('SIGKILL');
    }
    rmSync(cluster.dir, { recursive: true, force: true });
  }
  live.clear();
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let cleanupInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  removeExitCleanup();
  // Only re-raise when nobody else handles the signal, so the default (exit) still happens.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installExitCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeExitCleanup(): void {
  if (!cleanupInstalled) return;
  cleanupInstalled = false;
  process.off('exit', killAllSync);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
