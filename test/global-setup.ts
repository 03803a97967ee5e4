/**
 * Runs once before any test file: proves Redis and Postgres answer, so a missing service is one
 * clear instruction instead of dozens of connection timeouts spread over every file.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { testRedisUrl } from './helpers/redis-db.js';
import { testDatabaseUrl } from './helpers/pg-schema.js';

// Long enough for a loaded CI machine to answer a local PING, short enough that a stopped
// service is reported before anyone wonders whether the suite hung.
const PROBE_TIMEOUT_MS = 2_000;

const COMPOSE_HINT = '   (or: docker compose up -d cache postgres)';
const START_POSTGRES = `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start${COMPOSE_HINT}`;

function startRedis(url: string): string {
  const port = portOf(url, '6379');
  return `redis-server --daemonize yes --port ${port} --save "" --appendonly no${COMPOSE_HINT}`;
}

export async function setup(): Promise<void> {
  const redisUrl = testRedisUrl();
  const databaseUrl = testDatabaseUrl();
  const [redisProblem, pgProblem] = await Promise.all([probeRedis(redisUrl), probePostgres(databaseUrl)]);

  const problems: string[] = [];
  if (redisProblem !== null) {
    problems.push(
      `Redis is not answering at ${redact(redisUrl)} (${redisProblem}).\n  Start it with: ${startRedis(redisUrl)}`,
    );
  }
  if (pgProblem !== null) {
    problems.push(
      `Postgres is not answering at ${redact(databaseUrl)} (${pgProblem}).\n  Start it with: ${START_POSTGRES}`,
    );
  }
  if (problems.length === 0) return;

  const err = new Error(
    `The tests need Redis and Postgres.\n${problems.join('\n')}\n` +
      'Set REDIS_URL / DATABASE_URL to use other servers.',
  );
  // The stack would only point into this file; the message is the whole story.
  err.stack = `${err.name}: ${err.message}`;
  throw err;
}

/** null when Redis answers PING, else a short reason. */
async function probeRedis(url: string): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: PROBE_TIMEOUT_MS,
    enableOfflineQueue: false,
  });
  // connect() rejects with a bare "Connection is closed."; the 'error' event carries the cause
  // (ECONNREFUSED, ENOTFOUND). Listening also silences "[ioredis] Unhandled error event".
  let socketError: unknown;
  redis.on('error', (err) => {
    socketError ??= err;
  });
  try {
    const reply = await withTimeout(
      redis.connect().then(() => redis.ping()),
      PROBE_TIMEOUT_MS,
    );
    return reply === 'PONG' ? null : `PING answered ${JSON.stringify(reply)}`;
  } catch (err) {
    return reason(socketError ?? err);
  } finally {
    redis.disconnect();
  }
}

/** null when Postgres answers `select 1`, else a short reason. */
async function probePostgres(url: string): Promise<string | null> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  try {
    await withTimeout(
      client.connect().then(() => client.query('select 1 as ok')),
      PROBE_TIMEOUT_MS,
    );
    return null;
  } catch (err) {
    return reason(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reason(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reason(err.errors[0]);
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const message = err.message || err.name;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

function portOf(url: string, fallback: string): string {
  try {
    return new URL(url).port || fallback;
  } catch {
    return fallback;
  }
}

/** Hides a password, should the URL carry one. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
