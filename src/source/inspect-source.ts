import type pg from 'pg';
import { ConfigError, SourceUnavailable, describeError } from '../errors.js';
import type { PatternConfig } from '../types.js';
import { quoteIdent } from './quote-ident.js';

/**
 * Column name → SQL type of one table, without its modifier: an explicit cast to
 * `varchar(4)` truncates silently, so `ABCDEFG` would match the row `ABCD`.
 */
export type TableColumns = Map<string, string>;
/** Table name as configured → its columns. */
export type SourceSchema = Map<string, TableColumns>;

/**
 * Check at start that every owner table and column exists: a typo in `owner.table` is a
 * config error, not thousands of orphan findings.
 */
export async function inspectSource(
  pool: pg.Pool,
  patterns: readonly PatternConfig[],
  tenants?: { table: string; id: string },
): Promise<SourceSchema> {
  const wanted: { table: string; columns: string[]; at: string }[] = [];
  patterns.forEach((p) => {
    if (!p.owner) return;
    wanted.push({ table: p.owner.table, columns: [p.owner.tenant, ...Object.keys(p.owner.match)], at: `patterns[${p.index}].owner` });
  });
  if (tenants) wanted.push({ table: tenants.table, columns: [tenants.id], at: 'tenants' });
  const schema: SourceSchema = new Map();
  const problems: string[] = [];
  for (const w of wanted) {
    let columns = schema.get(w.table);
    if (!columns) {
      columns = await loadColumns(pool, w.table);
      if (columns.size === 0) {
        problems.push(`${w.at}.table: table "${w.table}" not found in the source database`);
        continue;
      }
      schema.set(w.table, columns);
    }
    for (const c of w.columns) {
      if (!columns.has(c)) {
        const where = w.at === 'tenants' ? 'tenants.id' : c === w.columns[0] ? `${w.at}.tenant` : `${w.at}.match.${c}`;
        problems.push(`${where}: column "${c}" not found in table "${w.table}"`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return schema;
}

async function loadColumns(pool: pg.Pool, table: string): Promise<TableColumns> {
  const regclass = table.split('.').map(quoteIdent).join('.');
  try {
    const { rows } = await pool.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type
         FROM pg_attribute a
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [regclass],
    );
    return new Map(rows.map((r) => [r.name, r.type]));
  } catch (err) {
    throw new SourceUnavailable(`inspecting table "${table}" failed: ${describeError(err)}`, { cause: err });
  }
}
