import pg from 'pg';
import { SourceUnavailable, describeError } from '../errors.js';
import { redactUrl } from '../cache/redact-url.js';

/**
 * Open the source database pool. Every session is read-only with a statement timeout, set
 * as connection options so each query stays one round trip (no BEGIN/SET/COMMIT per batch).
 */
export async function connectSource(url: string, statementTimeoutMs: number, max = 4): Promise<pg.Pool> {
  const pool = new pg.Pool({
    // pg lets a URL's own `options` override the config's: strip it and pass both merged below.
    connectionString: withoutOptions(url),
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
  let settings: { ro: string; timeout: string };
  try {
    settings = (await pool.query<{ ro: string; timeout: string }>(
      "select current_setting('default_transaction_read_only') as ro, current_setting('statement_timeout') as timeout",
    )).rows[0]!;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new SourceUnavailable(`cannot reach the source database at ${redactUrl(url)}: ${describeError(err)}`, { cause: err });
  }
  // A pooler that drops startup options (PgBouncer) would leave sessions writable and unbounded.
  if (settings.ro !== 'on' || settings.timeout === '0') {
    await pool.end().catch(() => undefined);
    throw new SourceUnavailable(
      `the source database at ${redactUrl(url)} did not apply read-only mode and statement_timeout (a pooler dropping startup options?); connect directly or use a read-only role with a timeout`,
    );
  }
  return pool;
}

export function withoutOptions(url: string): string {
  try {
    const u = new URL(url);
    if (!u.searchParams.has('options')) return url;
    u.searchParams.delete('options');
    return u.toString();
  } catch {
    return url;
  }
}

/** `options=` of the URL (e.g. a search_path), kept when ours are added. */
export function urlOptions(url: string): string {
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
