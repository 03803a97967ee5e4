import type pg from 'pg';
import { SourceUnavailable, describeError } from '../errors.js';
import { canonicalTenant } from '../markers/canonical-tenant.js';
import { storedTenantForms } from '../source/column-kind.js';
import { isSourceConnectionError } from '../source/connect-source.js';
import { quoteIdent, quoteQualified } from '../source/quote-ident.js';

/** The tenants query failed for this batch (the database itself is fine): keys go unchecked. */
export class TenantLookupFailed extends Error {}

/** Bound on remembered tenant ids: real SaaS have thousands of tenants, not millions. */
const MAX_REMEMBERED = 100_000;

/**
 * Which tenant ids exist in `tenants.table`, asked once per batch for the ids not seen yet.
 * Only existing tenants are remembered; an unknown id is asked again next batch, so a tenant
 * created mid-scan is not reported for long.
 */
export class TenantDirectory {
  private readonly known = new Set<string>();
  private readonly sql: string;
  private rememberedSince = Date.now();

  /**
   * @param forgetAfterMs how long existing tenants are remembered: a one-off scan remembers them
   * to its end; the always-on service forgets them periodically, so a deleted tenant's ids become
   * `unknown_tenant` instead of staying known for the life of the process.
   */
  constructor(private readonly table: string, id: string, private readonly idType: string, private readonly forgetAfterMs = Infinity) {
    this.sql = `SELECT t.${quoteIdent(id)}::text AS id FROM ${quoteQualified(table)} t WHERE t.${quoteIdent(id)} = ANY($1::${idType}[])`;
  }

  /** The subset of `ids` that names no tenant. */
  async unknown(pool: pg.Pool, ids: Iterable<string>): Promise<Set<string>> {
    if (Date.now() - this.rememberedSince > this.forgetAfterMs) {
      this.known.clear();
      this.rememberedSince = Date.now();
    }
    const unknown = new Set<string>();
    const ask: string[] = [];
    const asked = new Map<string, string>();
    for (const id of ids) {
      if (this.known.has(id) || asked.has(id) || unknown.has(id)) continue;
      const forms = storedTenantForms(id, this.idType);
      if (forms.length === 0) unknown.add(id);
      else {
        asked.set(id, forms[0]!);
        ask.push(...forms);
      }
    }
    if (ask.length === 0) return unknown;
    let rows: { id: string }[];
    try {
      rows = (await pool.query<{ id: string }>(this.sql, [ask])).rows;
    } catch (err) {
      const message = `tenant lookup in ${this.table} failed: ${describeError(err)}`;
      if (isSourceConnectionError(err)) throw new SourceUnavailable(message, { cause: err });
      throw new TenantLookupFailed(message, { cause: err });
    }
    const found = new Set(rows.map((r) => canonicalTenant(r.id) ?? r.id));
    for (const [id, v] of asked) {
      if (found.has(v)) {
        if (this.known.size < MAX_REMEMBERED) this.known.add(id);
      } else unknown.add(id);
    }
    return unknown;
  }
}
