import pg from 'pg';
import { SourceUnavailable, describeError } from '../errors.js';
import { redactUrl } from '../cache/redact-url.js';

/**
 * Open the source database pool. Every session is read-only with a statement timeout, set
 * as connection options so each query stays one round trip (no BEGIN/SET/COMMIT per batch).
 */
export async function connectSource(url: string, statementTimeoutMs: number, max = 4): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    // statement_timeout is enforced by the server; this client-side bound also covers a server
    // that stops answering altogether (frozen, partitioned).
    query_timeout: statementTimeoutMs + 5000,
    // A URL's own application_name wins, so operators (and tests) can tell sessions apart.
    application_name: /[?&]application_name=/.test(url) ? undefined : 'tenantwatch',
    options: [urlOptions(url), `-c default_transaction_read_only=on -c statement_timeout=${Math.max(1, Math.round(statementTimeoutMs))}`].filter(Boolean).join(' '),
  });
  // Idle-client errors (server restarted) surface on the next query, where they have context.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new SourceUnavailable(`cannot reach the source database at ${redactUrl(url)}: ${describeError(err)}`, { cause: err });
  }
  return pool;
}

/** `options=` of the URL (e.g. a search_path), kept when ours are added. */
function urlOptions(url: string): string {
  try {
    return new URL(url).searchParams.get('options') ?? '';
  } catch {
    return '';
  }
}

/** Errors that mean the database itself is gone (as opposed to one bad query). */
export function isSourceConnectionError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  const msg = err instanceof Error ? err.message : '';
  return (
    /^(08|57P0[123])/.test(code) ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code) ||
    /Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error/i.test(msg)
  );
}
