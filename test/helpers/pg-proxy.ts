/**
 * A TCP proxy in front of the test Postgres, so a test can fail Postgres for its own clients
 * only: the shared server keeps serving the files running in parallel. The caller `close()`s
 * it in afterAll.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { testDatabaseUrl } from './pg-schema.js';

export interface PgProxy {
  port: number;
  /** `base` (a Postgres URL) pointed at the proxy. */
  url(base: string): string;
  /**
   * Stops forwarding in both directions while keeping every connection open: a network
   * partition, which no RST or FIN reveals.
   */
  freeze(): void;
  /**
   * What a Postgres restart looks like from the client's side: every connection is cut, new
   * ones are refused (ECONNREFUSED) for `downMs`, then accepted again. Resolves once it is up.
   */
  restart(downMs: number): Promise<void>;
  /** Connections cut since the proxy started (by `restart`). */
  readonly cut: number;
  close(): void;
}

export async function startPgProxy(base = testDatabaseUrl()): Promise<PgProxy> {
  const upstream = new URL(base);
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let frozen = false;
  let cut = 0;
  let server: Server | undefined;

  const onConnection = (client: Socket) => {
    const remote = connect(Number(upstream.port || 5432), upstream.hostname);
    clients.add(client);
    client.on('close', () => clients.delete(client));
    for (const s of [client, remote]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d: Buffer) => void (frozen || remote.write(d)));
    remote.on('data', (d: Buffer) => void (frozen || client.write(d)));
    client.on('end', () => remote.end());
    remote.on('end', () => client.end());
    // A half-open pair would leave the client waiting forever for a server that is gone.
    client.on('close', () => remote.destroy());
    remote.on('close', () => client.destroy());
  };
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });

  server = await listen(0);
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  const port = address.port;
  let closed = false;

  return {
    port,
    url(b) {
      const u = new URL(b);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    freeze() {
      frozen = true;
    },
    async restart(downMs) {
      const down = server;
      server = undefined;
      // Closing the listener first: while it is down, connects get ECONNREFUSED, as from a stopped postmaster.
      await new Promise<void>((resolve) => {
        if (!down) return resolve();
        down.close(() => resolve());
        cut += clients.size;
        for (const s of sockets) s.destroy();
      });
      await new Promise((r) => setTimeout(r, downMs));
      if (!closed) server = await listen(port);
    },
    get cut() {
      return cut;
    },
    close() {
      closed = true;
      for (const s of sockets) s.destroy();
      server?.close();
      server = undefined;
    },
  };
}
