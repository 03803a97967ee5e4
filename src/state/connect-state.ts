import pg from 'pg';
import type { TenantwatchConfig } from '../config/validate-config.js';
import { redactUrl } from '../cache/redact-url.js';
import { StateUnavailable, describeError } from '../errors.js';
import { urlOptions, withoutOptions } from '../source/connect-source.js';

/** tenantwatch's own Postgres: a pool whose unqualified names land in the state schema. */
export interface StateDb {
  pool: pg.Pool;
  schema: string;
  close(): Promise<void>;
}

/** SPEC §2: `state.database` defaults to `source.url`. */
export function stateDatabaseUrl(config: TenantwatchConfig): string {
  const url = config.state.database ?? config.source?.url;
  if (!url) throw new StateUnavailable('state: no state.database (and no source.url to default to)');
  return url;
}

export async function connectState(config: TenantwatchConfig, opts: { max?: number } = {}): Promise<StateDb> {
  const url = stateDatabaseUrl(config);
  const schema = config.state.schema;
  const pool = new pg.Pool({
    // pg lets a URL's own `options` override the config's: merge them, ours last (it wins).
    connectionString: withoutOptions(url),
    max: opts.max ?? 8,
    // The schema name is validated by the config schema (lower-case identifier).
    options: [urlOptions(url), `-c search_path=${schema}`].filter(Boolean).join(' '),
    application_name: /[?&]application_name=/.test(url) ? undefined : 'tenantwatch-state',
    connectionTimeoutMillis: 5000,
    statement_timeout: 30_000,
  });
  // An idle client dropped by a Postgres restart must not crash the service; the next query
  // fails, its job is retried.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end();
    throw new StateUnavailable(`state database ${redactUrl(url)}: ${describeError(err)}`, { cause: err });
  }
  return { pool, schema, close: () => pool.end() };
}
