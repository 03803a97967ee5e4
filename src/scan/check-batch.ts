import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CacheShard } from '../cache/connect-cache.js';
import type pg from 'pg';
import { isOwnKey } from '../cache/own-keys.js';
import type { RateLimiter } from '../cache/shared-token-bucket.js';
import { readTtls, readValues, type ReadRequest } from '../cache/read-values.js';
import type { TenantwatchConfig } from '../config/validate-config.js';
import type { DecompressPool } from '../decode/threads/decompress-pool.js';
import { judgeEntry, type UnitOwnership } from '../ownership/judge-entry.js';
import { OwnerQueryFailed, type OwnerProbe } from '../ownership/owner-query.js';
import { TenantLookupFailed, type TenantDirectory } from '../ownership/tenant-directory.js';
import type { KeyRegistry } from '../registry/classify-key.js';
import type { Finding, ReadValue } from '../types.js';
import type { PatternChecks } from './compile-checks.js';
import { decodeReads } from './decode-reads.js';
import { prepareEntry, type EntryDraft } from './prepare-entry.js';
import { bump, emptyOutcome, type BatchOutcome } from './scan-report.js';

/** Everything a batch check needs; built once per scan by the caller. */
export interface CheckContext {
  config: TenantwatchConfig;
  registry: KeyRegistry;
  checks: Map<string, PatternChecks>;
  source?: pg.Pool;
  tenants?: TenantDirectory;
  bucket: RateLimiter;
  /** Only keys of these patterns are checked (`--pattern`). */
  patternFilter?: ReadonlySet<string>;
  /** Told how long each owner query took (the service's histogram). */
  observeOwnerQuery?: (seconds: number) => void;
  /** Threads that decompress compressed values (the session opens and closes them). */
  decompressor?: DecompressPool;
}

interface Pending {
  key: string;
  buf: Buffer;
  values: Record<string, string>;
  checks: PatternChecks;
}

/**
 * Check one batch of keys from one node: classify → read (rate limited, size-guarded) →
 * decode (compressed values peeled on the decompression threads) → markers → one owner
 * query per pattern → judge. Only keys with findings cost an extra round trip (their TTL)
 * and a hash.
 */
export async function checkBatch(ctx: CheckContext, shard: CacheShard, keys: readonly Buffer[]): Promise<BatchOutcome> {
  const out = emptyOutcome();
  const pending: Pending[] = [];
  for (const buf of keys) {
    const key = buf.toString('utf8');
    if (isOwnKey(key)) continue;
    const cls = ctx.registry.classify(key);
    if (cls.kind === 'unregistered') {
      if (ctx.patternFilter || ctx.config.unregistered === 'ignore') continue;
      out.scanned++;
      const u = out.unregistered.get(cls.shape);
      if (u) {
        u.count++;
        if (u.samples.length < 10) u.samples.push(key);
      } else out.unregistered.set(cls.shape, { count: 1, samples: [key] });
      continue;
    }
    const p = cls.pattern;
    if (ctx.patternFilter && !ctx.patternFilter.has(p.name)) continue;
    out.scanned++;
    bump(out.perPattern, p.name);
    if (p.global) continue;
    const checks = ctx.checks.get(p.name)!;
    if (!checks.hasTenant) bump(out.unscoped, p.name);
    pending.push({ key, buf, values: cls.values, checks });
  }
  if (pending.length === 0) return out;

  await ctx.bucket.take(pending.length);
  const requests: ReadRequest[] = pending.map((p) => ({ key: p.buf, type: p.checks.config.type, field: p.checks.config.field }));
  const reads = await readValues(shard.reader, requests, ctx.config.sweep.maxValueBytes);

  const decoded = await decodeReads(reads, pending.map((p) => p.checks.decode), ctx.decompressor);
  const drafts: { draft: EntryDraft; read: ReadValue; buf: Buffer }[] = [];
  pending.forEach((p, i) => {
    const read = reads[i]!;
    if (read.status === 'vanished') {
      out.vanished++;
      out.checkedKeys.push(p.key);
      return;
    }
    if (read.status === 'error') {
      bump(out.unchecked, `cache read failed: ${read.detail}`);
      out.uncheckedKeys.push(p.key);
      return;
    }
    drafts.push({ draft: prepareEntry(p.key, p.values, p.checks, read, decoded[i]), read, buf: p.buf });
  });

  const unchecked = new Set<number>();
  const ownership = await askOwners(ctx, drafts.map((d) => d.draft), out, unchecked);
  let unknown: ReadonlySet<string>;
  try {
    unknown = await unknownTenants(ctx, drafts.map((d) => d.draft));
  } catch (err) {
    if (!(err instanceof TenantLookupFailed)) throw err;
    // Every other check still ran; the tenant check did not, so these keys are not clean.
    bump(out.unchecked, err.message, drafts.length);
    drafts.forEach((_, i) => unchecked.add(i));
    unknown = new Set();
  }
  // An oversized, undecodable or wrong-type value was not checked: it must not count as repaired
  // (SPEC §3: a decode error never counts as clean), so the key's earlier findings stay open.
  drafts.forEach(({ draft }, i) => (unchecked.has(i) || draft.payload.state !== 'decoded' ? out.uncheckedKeys : out.checkedKeys).push(draft.key));
  const flagged: { finding: Finding; read: ReadValue; buf: Buffer }[] = [];
  drafts.forEach(({ draft, read, buf }, i) => {
    for (const finding of judgeEntry(draft, ownership[i]!, unknown)) flagged.push({ finding, read, buf });
  });
  if (flagged.length > 0) await describePayloads(shard.redis, flagged);
  out.findings = flagged.map((f) => f.finding);
  for (const f of flagged) out.keyBytes.set(f.finding.key!, f.buf);
  return out;
}

/** One owner query per pattern for every unit of the batch that has match values. */
async function askOwners(ctx: CheckContext, drafts: readonly EntryDraft[], out: BatchOutcome, unchecked: Set<number>): Promise<UnitOwnership[][]> {
  const result: UnitOwnership[][] = drafts.map((d) => d.units.map(() => undefined));
  // Keys, not items: a list with ten items lacking their id is one unchecked key.
  const uncheckedKeys = new Set<number>();
  const byPattern = new Map<PatternChecks, { d: number; u: number; probe: OwnerProbe }[]>();
  drafts.forEach((draft, d) => {
    if (!draft.checks.ownerQuery) return;
    draft.units.forEach((unit, u) => {
      if (!unit.match) return;
      if ('missing' in unit.match) {
        // A cached null/empty value names no row by design; a decoded payload without the id does.
        if (draft.payload.state === 'decoded' && !draft.payload.negative) uncheckedKeys.add(d);
        return;
      }
      const candidates = new Set<string>(unit.markers?.tenants ?? []);
      if (draft.keyTenant !== undefined) candidates.add(draft.keyTenant);
      const list = byPattern.get(draft.checks) ?? [];
      list.push({ d, u, probe: { values: unit.match.values, candidates: [...candidates], wantOwners: !draft.checks.hasTenant } });
      byPattern.set(draft.checks, list);
    });
  });
  if (uncheckedKeys.size > 0) bump(out.unchecked, 'owner match value missing from payload', uncheckedKeys.size);
  uncheckedKeys.forEach((d) => unchecked.add(d));
  if (!ctx.source) return result;
  for (const [checks, list] of byPattern) {
    try {
      const started = performance.now();
      const answers = await checks.ownerQuery!.run(ctx.source, list.map((l) => l.probe));
      ctx.observeOwnerQuery?.((performance.now() - started) / 1000);
      list.forEach((l, i) => (result[l.d]![l.u] = answers[i]));
    } catch (err) {
      if (!(err instanceof OwnerQueryFailed)) throw err;
      // The key was read but its ownership is unknown: counted, never called clean.
      const keys = new Set(list.map((l) => l.d));
      bump(out.unchecked, err.message, keys.size);
      keys.forEach((d) => unchecked.add(d));
    }
  }
  return result;
}

async function unknownTenants(ctx: CheckContext, drafts: readonly EntryDraft[]): Promise<ReadonlySet<string>> {
  if (!ctx.tenants || !ctx.source) return new Set();
  const ids = new Set<string>();
  for (const d of drafts) {
    if (d.keyTenant !== undefined) ids.add(d.keyTenant);
    for (const u of d.units) u.markers?.tenants.forEach((t) => ids.add(t));
  }
  return ctx.tenants.unknown(ctx.source, ids);
}

/** SHA-256, size and TTL of flagged payloads: identify the bytes without keeping them. */
async function describePayloads(redis: Redis, flagged: { finding: Finding; read: ReadValue; buf: Buffer }[]): Promise<void> {
  const unique = [...new Map(flagged.map((f) => [f.finding.key!, f.buf])).entries()];
  const ttls = await readTtls(redis, unique.map(([, b]) => b));
  const ttlByKey = new Map(unique.map(([k], i) => [k, ttls[i]]));
  const shaCache = new Map<ReadValue, string>();
  for (const f of flagged) {
    const ttl = ttlByKey.get(f.finding.key!);
    if (ttl !== undefined) f.finding.ttlSeconds = ttl;
    if (f.read.status === 'value') {
      let sha = shaCache.get(f.read);
      if (!sha) shaCache.set(f.read, (sha = createHash('sha256').update(f.read.bytes).digest('hex')));
      f.finding.payloadSha256 = sha;
      f.finding.sizeBytes = f.read.bytes.length;
    } else if (f.read.status === 'hash') {
      // A whole hash is identified by its fields in order, each length-prefixed: confirmation
      // compares these bytes like any other payload's.
      let sha = shaCache.get(f.read);
      if (!sha) shaCache.set(f.read, (sha = hashFields(f.read.fields)));
      f.finding.payloadSha256 = sha;
      f.finding.sizeBytes = f.read.size;
    } else if (f.read.status === 'oversized') {
      f.finding.sizeBytes = f.read.size;
    }
  }
}

function hashFields(fields: Record<string, Buffer>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(fields).sort()) {
    const n = Buffer.from(name, 'utf8');
    const v = fields[name]!;
    const len = Buffer.alloc(8);
    len.writeUInt32BE(n.length, 0);
    len.writeUInt32BE(v.length, 4);
    h.update(len).update(n).update(v);
  }
  return h.digest('hex');
}
