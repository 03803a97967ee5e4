/**
 * A redis-server of a test's own, on a free port, without persistence: it can be shut down,
 * crashed, frozen or restarted without harming the shared Redis other files use. The caller
 * `stop()`s it in afterAll (safe to call twice, whatever state the server is in).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  port: number;
  url: string;
  /** A client for seeding and INFO; fails fast once the server is gone. Replaced by `restart()`. */
  admin: Redis;
  /** SHUTDOWN NOSAVE, as an operator stopping Redis would. */
  shutdown(): Promise<void>;
  /** SIGKILL, as a crash would. */
  crash(): Promise<void>;
  /** SIGSTOP: the server keeps its connections open and answers nothing, like a partition. */
  freeze(): void;
  /**
   * SHUTDOWN NOSAVE, then a new server on the same port: clients see their connections close and
   * the data gone (no persistence), as after a real restart.
   */
  restart(): Promise<void>;
  /** Whatever state it is in: gone afterwards. Safe to call twice. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  admin: Redis;
}

// A loaded CI machine may take a while to exec redis-server; a server that is not up by then never will be.
const START_TIMEOUT_MS = 10_000;

async function launch(port: number): Promise<Running> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  admin.on('error', () => undefined);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      await admin.connect();
      await admin.ping();
      return { child, exited, admin };
    } catch (err) {
      admin.disconnect();
      if (!alive() || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not start: ${String(err)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let current = await launch(port);
  const alive = () => current.child.exitCode === null && current.child.signalCode === null;
  const server: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    admin: current.admin,
    async shutdown() {
      // The server closes the connection instead of answering: that rejection is the success.
      await current.admin.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      await current.exited;
    },
    async crash() {
      current.child.kill('SIGKILL');
      await current.exited;
    },
    freeze() {
      current.child.kill('SIGSTOP');
    },
    async restart() {
      await server.shutdown();
      current.admin.disconnect();
      current = await launch(port);
      server.admin = current.admin;
    },
    async stop() {
      current.admin.disconnect();
      if (alive()) current.child.kill('SIGKILL');
      await current.exited;
    },
  };
  return server;
}
