import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What differs between the watch benchmark's phases. */
export interface WatchConfig {
  cacheUrl: string;
  queueUrl: string;
  databaseUrl: string;
  stateSchema: string;
  sourceSchema: string;
  every: string;
  realtime: boolean;
  confirmAfter: string;
  count: number;
  /** sweep.rate (default 0: unlimited). */
  rate?: number;
}

/** Write the phase's tenantwatch.yaml into `dir` and return its path. */
export function writeWatchConfig(dir: string, name: string, c: WatchConfig): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `cache: { url: "${c.cacheUrl}" }
source: { url: "${c.databaseUrl}", statementTimeout: 30s }
state: { database: "${c.databaseUrl}", redis: "${c.queueUrl}", schema: ${c.stateSchema} }
sweep: { every: ${c.every}, rate: ${c.rate ?? 0}, count: ${c.count}, sample: 0 }
realtime: { keyspaceEvents: ${c.realtime} }
confirm: { after: ${c.confirmAfter} }
unregistered: ignore
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${c.sourceSchema}.projects, tenant: tenant_id, match: { id: project_id } }
`,
  );
  return path;
}

/** One `tenantwatch start --worker` process, as an operator runs it. */
export interface WorkerProcess {
  pid: number;
  /** Resolves once the process logged "watchdog started". */
  ready: Promise<void>;
  /** Log lines at warn level or above (job failures, errors). */
  problems(): string[];
  /** Graceful stop (SIGTERM), then SIGKILL after 30 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

const BIN = fileURLToPath(new URL('../../bin/tenantwatch.js', import.meta.url));

export function spawnWorker(configPath: string, concurrency: number): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'start', '--worker', '--metrics-port', '0', '--config', configPath, '--concurrency', String(concurrency)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  if (child.pid === undefined) throw new Error('could not spawn tenantwatch start');
  const tail: string[] = [];
  const problems: string[] = [];
  let exitCode: number | null | undefined;
  let markReady: () => void = () => undefined;
  let markFailed: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    markFailed = rej;
  });
  // Awaited by the caller; this only keeps an exit after a failed start from crashing the bench.
  ready.catch(() => undefined);
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      tail.push(line);
      if (tail.length > 40) tail.shift();
      try {
        const rec = JSON.parse(line) as { level?: number; msg?: string };
        if (rec.msg === 'watchdog started') markReady();
        // Incidents opening is what the benchmark provokes; anything else at warn or above is news.
        if ((rec.level ?? 0) >= 40 && rec.msg !== 'incident opened') problems.push(line);
      } catch {
        problems.push(line);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => tail.push(...chunk.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((res) =>
    child.on('exit', (code) => {
      exitCode = code;
      markFailed(new Error(`tenantwatch start exited (${code}) before it was ready: ${tail.slice(-3).join(' | ')}`));
      res(code);
    }),
  );
  return {
    pid: child.pid,
    ready,
    problems: () => problems,
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
