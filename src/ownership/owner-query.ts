import type pg from 'pg';
import { SourceUnavailable, describeError } from '../errors.js';
import { canonicalTenant } from '../markers/canonical-tenant.js';
import { coerceForColumn, storedTenantForms } from '../source/column-kind.js';
import type { TableColumns } from '../source/inspect-source.js';
import { isSourceConnectionError } from '../source/connect-source.js';
import { quoteIdent, quoteQualified } from '../source/quote-ident.js';
import type { OwnerSpec } from '../types.js';

/** One row an entry (or list item) is about, and the tenants whose ownership matters. */
export interface OwnerProbe {
  /** Values for the `match` columns, in the order of `Object.keys(spec.match)`. */
  values: string[];
  /** Canonical tenant ids to test (key tenant, marker tenants). */
  candidates: string[];
  /** Fetch the owner set even when every candidate owns the row (unscoped keys need the count). */
  wantOwners: boolean;
}

/** What the source says about one probe. */
export interface OwnerAnswer {
  /** Candidates that own the row. */
  owned: Set<string>;
  /** Up to OWNER_SAMPLE owners, when fetched (`::text`: UUIDs lower-case, integers decimal). */
  owners?: string[];
  /** Owners counted up to OWNER_SAMPLE + 1 (so "more than the sample" is visible). */
  ownerCount?: number;
  /** A match value no row of the column's type can hold (e.g. `abc` for an integer id). */
  impossibleValue?: string;
}

/** A query that failed for this pattern's batch only (the database itself is fine). */
export class OwnerQueryFailed extends Error {
  constructor(message: string, readonly sqlState: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** A value the column type cannot take (class 22: invalid text, out of range, bad date). */
  get isBadValue(): boolean {
    return this.sqlState.startsWith('22');
  }
}

export const OWNER_SAMPLE = 10;

/**
 * The ownership SQL of one pattern. Per batch it sends at most two queries, each joining
 * `unnest`ed arrays to the owner table — never one query per key, never SQL built from key
 * text (identifiers come from the config and are quoted; values are parameters):
 * 1. membership: does each (row, candidate tenant) pair exist? — the hot path, a PK probe each;
 * 2. owner sets, only for rows where a candidate failed or the pattern is unscoped.
 */
export class OwnerQuery {
  private readonly matchColumns: string[];
  private readonly matchTypes: string[];
  private readonly tenantType: string;
  private readonly membershipSql: string;
  private readonly ownersSql: string;

  constructor(private readonly spec: OwnerSpec, columns: TableColumns) {
    this.matchColumns = Object.keys(spec.match);
    this.matchTypes = this.matchColumns.map((c) => columns.get(c) ?? 'text');
    this.tenantType = columns.get(spec.tenant) ?? 'text';
    const table = quoteQualified(spec.table);
    const tenant = quoteIdent(spec.tenant);
    const cols = this.matchColumns.map((c, j) => ({ col: quoteIdent(c), param: `$${j + 3}::${this.matchTypes[j]}[]`, alias: `c${j}` }));
    const where = cols.map((c) => `o.${c.col} = k.${c.alias}`).join(' AND ');
    this.membershipSql =
      `SELECT k.p FROM unnest($1::int[], $2::${this.tenantType}[], ${cols.map((c) => c.param).join(', ')}) ` +
      `AS k(p, t, ${cols.map((c) => c.alias).join(', ')}) ` +
      `WHERE EXISTS (SELECT 1 FROM ${table} o WHERE o.${tenant} = k.t AND ${where})`;
    const ownerCols = cols.map((c, j) => ({ ...c, param: `$${j + 2}::${this.matchTypes[j]}[]` }));
    this.ownersSql =
      // DISTINCT: one tenant with several rows (per-locale rows, say) is one owner, not a collision.
      `SELECT k.i, array(SELECT DISTINCT o.${tenant}::text FROM ${table} o WHERE ${where} AND o.${tenant} IS NOT NULL LIMIT ${OWNER_SAMPLE + 1}) AS owners ` +
      `FROM unnest($1::int[], ${ownerCols.map((c) => c.param).join(', ')}) AS k(i, ${cols.map((c) => c.alias).join(', ')})`;
  }

  /**
   * Answer a batch. When one value cannot be cast by Postgres (a type we do not pre-check:
   * numeric, date, enum…), the batch is re-asked probe by probe, so one bad value costs only
   * its own check (an impossible value: the row cannot exist) instead of the whole batch's.
   */
  async run(pool: pg.Pool, probes: readonly OwnerProbe[]): Promise<OwnerAnswer[]> {
    try {
      return await this.runBatch(pool, probes);
    } catch (err) {
      if (!(err instanceof OwnerQueryFailed && err.isBadValue)) throw err;
      if (probes.length === 1) return [{ owned: new Set<string>(), impossibleValue: probes[0]!.values.join('/') }];
      const answers: OwnerAnswer[] = [];
      for (const probe of probes) answers.push(...(await this.run(pool, [probe])));
      return answers;
    }
  }

  private async runBatch(pool: pg.Pool, probes: readonly OwnerProbe[]): Promise<OwnerAnswer[]> {
    const answers: OwnerAnswer[] = probes.map(() => ({ owned: new Set<string>() }));
    const values: (string[] | undefined)[] = probes.map((p, i) => {
      const coerced: string[] = [];
      for (let j = 0; j < p.values.length; j++) {
        const v = coerceForColumn(p.values[j]!, this.matchTypes[j]!);
        if (v === undefined) {
          answers[i]!.impossibleValue = p.values[j]!;
          return undefined;
        }
        coerced.push(v);
      }
      return coerced;
    });
    await this.membership(pool, probes, values, answers);
    const needOwners = probes.flatMap((p, i) =>
      values[i] && (p.wantOwners || p.candidates.length === 0 || p.candidates.some((c) => !answers[i]!.owned.has(c))) ? [i] : [],
    );
    if (needOwners.length > 0) await this.ownerSets(pool, needOwners, values, answers);
    return answers;
  }

  private async membership(pool: pg.Pool, probes: readonly OwnerProbe[], values: (string[] | undefined)[], answers: OwnerAnswer[]) {
    const pairs: { probe: number; candidate: string }[] = [];
    const params: unknown[][] = [[], [], ...this.matchColumns.map(() => [])];
    probes.forEach((p, i) => {
      const vals = values[i];
      if (!vals) return;
      for (const c of p.candidates) {
        for (const form of storedTenantForms(c, this.tenantType)) {
          params[0]!.push(pairs.length);
          params[1]!.push(form);
          vals.forEach((v, j) => params[j + 2]!.push(v));
          pairs.push({ probe: i, candidate: c });
        }
      }
    });
    if (pairs.length === 0) return;
    const rows = await this.query<{ p: number }>(pool, this.membershipSql, params);
    for (const r of rows) {
      const pair = pairs[r.p]!;
      answers[pair.probe]!.owned.add(pair.candidate);
    }
  }

  private async ownerSets(pool: pg.Pool, indexes: number[], values: (string[] | undefined)[], answers: OwnerAnswer[]) {
    const params: unknown[][] = [indexes, ...this.matchColumns.map((_, j) => indexes.map((i) => values[i]![j]))];
    const rows = await this.query<{ i: number; owners: string[] }>(pool, this.ownersSql, params);
    for (const r of rows) {
      const a = answers[r.i]!;
      a.ownerCount = r.owners.length;
      a.owners = [...new Set(r.owners.map((o) => canonicalTenant(o) ?? o))].slice(0, OWNER_SAMPLE);
    }
  }

  private async query<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (err) {
      if (isSourceConnectionError(err)) {
        throw new SourceUnavailable(`the source database failed mid-scan: ${describeError(err)}`, { cause: err });
      }
      // Only the SQLSTATE: Postgres quotes the offending value (payload content) in its message.
      const code = (err as { code?: string }).code ?? 'unknown';
      throw new OwnerQueryFailed(`owner query on ${this.spec.table} failed (SQLSTATE ${code})`, code, { cause: err });
    }
  }
}

