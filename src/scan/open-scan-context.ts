import type pg from 'pg';
import { connectCache, type CacheConnection } from '../cache/connect-cache.js';
import { TokenBucket } from '../cache/rate-limit.js';
import type { RateLimiter } from '../cache/shared-token-bucket.js';
import type { TenantwatchConfig } from '../config/validate-config.js';
import { decompressPoolFor } from '../decode/threads/decompress-pool.js';
import { ConfigError } from '../errors.js';
import { TenantDirectory } from '../ownership/tenant-directory.js';
import { compileRegistry } from '../registry/classify-key.js';
import { connectSource } from '../source/connect-source.js';
import { inspectSource } from '../source/inspect-source.js';
import type { CheckContext } from './check-batch.js';
import { compileChecks } from './compile-checks.js';

export interface ScanSession {
  ctx: CheckContext;
  cache: CacheConnection;
  close(): Promise<void>;
}

/**
 * Connect to the cache and (when a pattern needs it) the source, verify the owner tables,
 * and compile the registry: everything `scan`, `check` and the workers share. `decodeThreads`
 * sets the decompression threads (0: none; default: one fewer than the cores, at most four);
 * `onDecodeThreadFailure` hears of each that fails (its values are then decoded in process).
 */
export async function openScanSession(config: TenantwatchConfig, opts: { rate?: number; bucket?: RateLimiter; patternFilter?: ReadonlySet<string>; forgetTenantsAfterMs?: number; observeOwnerQuery?: (seconds: number) => void; decodeThreads?: number; onDecodeThreadFailure?: (err: Error) => void } = {}): Promise<ScanSession> {
  const needsSource = config.patterns.some((p) => p.owner) || config.tenants !== undefined;
  let source: pg.Pool | undefined;
  if (needsSource && config.source) source = await connectSource(config.source.url, config.source.statementTimeoutMs);
  let cache: CacheConnection | undefined;
  // Threads start on the first compressed batch, so opening the pool costs nothing until then.
  const decompressor = decompressPoolFor(opts.decodeThreads, opts.onDecodeThreadFailure);
  try {
    const schema = source ? await inspectSource(source, config.patterns, config.tenants) : new Map();
    cache = await connectCache(config.cache);
    const tenantsTable = config.tenants && schema.get(config.tenants.table);
    const ctx: CheckContext = {
      config,
      registry: compileRegistry(config.patterns),
      checks: compileChecks(config.patterns, schema, { maxBytes: config.sweep.maxValueBytes, maxDepth: config.sweep.maxDepth }),
      source,
      tenants: config.tenants && tenantsTable ? new TenantDirectory(config.tenants.table, config.tenants.id, tenantsTable.get(config.tenants.id)!, opts.forgetTenantsAfterMs) : undefined,
      bucket: opts.bucket ?? new TokenBucket(opts.rate ?? config.sweep.rate),
      patternFilter: opts.patternFilter,
      observeOwnerQuery: opts.observeOwnerQuery,
      decompressor,
    };
    const c = cache;
    return {
      ctx,
      cache: c,
      close: async () => {
        await decompressor?.close();
        await c.close();
        await source?.end();
      },
    };
  } catch (err) {
    await decompressor?.close();
    await cache?.close();
    await source?.end();
    throw err;
  }
}

/** $TENANTWATCH_DECODE_THREADS: how many decompression threads a scan starts (unset: the default). */
export function decodeThreadsFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = env.TENANTWATCH_DECODE_THREADS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new ConfigError([`TENANTWATCH_DECODE_THREADS: must be a whole number from 0 to 64 (0: decompress on the scan's own thread), got "${raw}"`]);
  return n;
}
