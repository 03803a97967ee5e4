import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A redis-server of the watch benchmark's own (never the shared 6379). */
export interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Start a private redis-server on `port` with extra arguments (e.g. `--notify-keyspace-events
 * E$hg`, set at launch so the service never needs `realtime.configure`). Fails if the port
 * already answers: the benchmark must not flush somebody else's Redis.
 */
export async function startRedisServer(port: number, extra: string[] = []): Promise<BenchRedis> {
  if (await answers(port)) throw new Error(`port ${port} already has a Redis; pick another with --port`);
  const dir = mkdtempSync(join(tmpdir(), 'tw-watch-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    up = await answers(port);
    if (!up) await sleep(100);
  }
  if (!up || child.pid === undefined) {
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not start`);
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function answers(port: number): Promise<boolean> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux.

/** CPU seconds (user + system) a process has used, or 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every process whose command name is `name` (e.g. postgres). */
export function cpuSecondsByName(name: string): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name) total += processCpuSeconds(Number(d));
    } catch {
      // The process ended between readdir and read.
    }
  }
  return total;
}

/**
 * The Postgres backends serving the given client processes: their sockets' local ports
 * (/proc/<pid>/fd → /proc/net/tcp) matched against pg_stat_activity.client_port. Postgres
 * is shared with other work on the machine; only these backends are the benchmark's.
 */
export async function postgresBackendsOf(pids: readonly number[], query: (ports: number[]) => Promise<number[]>, pgPort = 5432): Promise<number[]> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // The descriptor closed while we listed them.
      }
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[] = [];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = parseInt(f[1]!.split(':')[1]!, 16);
      const remote = parseInt(f[2]!.split(':')[1]!, 16);
      if (remote === pgPort && inodes.has(f[9]!)) ports.push(local);
    }
  }
  return ports.length > 0 ? query(ports) : [];
}

/** Machine-wide busy and total CPU seconds since boot (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

/** Resident set size of a process in MB (VmRSS), or undefined once it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Aborted on SIGINT/SIGTERM: every wait of the bench then throws, and its cleanup runs. */
export const benchAbort = new AbortController();

export function sleep(ms: number): Promise<void> {
  if (benchAbort.signal.aborted) return Promise.reject(new Error('interrupted'));
  return new Promise((r) => setTimeout(r, ms));
}
