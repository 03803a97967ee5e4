import type { CacheConnection, CacheShard } from '../cache/connect-cache.js';
import { keySlot } from '../cache/key-slot.js';
import { scanKeys } from '../cache/scan-keys.js';
import { CacheUnavailable } from '../errors.js';
import { checkBatch, type CheckContext } from './check-batch.js';
import { ReportBuilder, type BatchOutcome, type ScanReport } from './scan-report.js';

export interface ScanProgress {
  scanned: number;
  /** Keys in the cache (DBSIZE) when known: a full scan's denominator. */
  total?: number;
}

export interface RunScanOptions {
  /** SCAN MATCH glob. */
  match?: string;
  /** Stop after this many keys. */
  limit?: number;
  /** Check exactly these keys instead of scanning (`tenantwatch check`). */
  keys?: string[];
  /** Batches in flight at once across all shards: bounds memory whatever the keyspace size. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
}

/**
 * One full pass: every shard is SCANned, each page checked as a batch, at most `concurrency`
 * batches in flight. Memory stays flat as the keyspace grows: nothing but counters and
 * (capped) findings outlive a batch.
 */
export async function runScan(ctx: CheckContext, cache: CacheConnection, opts: RunScanOptions = {}): Promise<ScanReport> {
  const started = performance.now();
  const report = new ReportBuilder();
  const limiter = new InFlight(opts.concurrency ?? 4);
  const total = opts.keys ? opts.keys.length : opts.match || opts.limit ? undefined : await countKeys(cache.shards);
  let scheduled = 0;
  const progress = () => opts.onProgress?.({ scanned: report.scanned, total });

  const submit = async (shard: CacheShard, keys: Buffer[]) => {
    await limiter.acquire();
    limiter.track(
      checkBatch(ctx, shard, keys).then(
        (o: BatchOutcome) => {
          report.add(o);
          progress();
        },
        (err: unknown) => {
          throw naming(shard, err);
        },
      ),
    );
  };

  if (opts.keys) {
    for (const [shard, keys] of routeKeys(cache.shards, opts.keys)) await submit(shard, keys);
  } else {
    await Promise.all(
      cache.shards.map(async (shard) => {
        const pages = scanKeys(shard.redis, { match: opts.match, count: ctx.config.sweep.count, signal: opts.signal });
        for await (const page of withShardErrors(shard, pages)) {
          let keys = page.keys;
          if (opts.limit !== undefined) {
            const room = opts.limit - scheduled;
            if (room <= 0) break;
            keys = keys.slice(0, room);
          }
          scheduled += keys.length;
          if (keys.length > 0) await submit(shard, keys);
          if (limiter.failed) break;
        }
      }),
    );
  }
  await limiter.drain();
  progress();
  const built = report.build(performance.now() - started, ctx.config.unregistered);
  if (opts.keys && built.vanished > 0) {
    // A key named for checking that is not there was not checked: it must not pass as clean.
    built.unchecked.reasons['key not found in the cache'] = built.vanished;
    built.unchecked.total += built.vanished;
  }
  return built;
}

/** Cache failures name the node they happened on (one clear line: which URL, what failed). */
function naming(shard: CacheShard, err: unknown): unknown {
  if (err instanceof CacheUnavailable && !err.message.includes(shard.name)) {
    return new CacheUnavailable(`cache ${shard.name}: ${err.message}`, { cause: err });
  }
  return err;
}

async function* withShardErrors<T>(shard: CacheShard, pages: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* pages;
  } catch (err) {
    throw naming(shard, err);
  }
}

async function countKeys(shards: readonly CacheShard[]): Promise<number | undefined> {
  try {
    const sizes = await Promise.all(shards.map((s) => s.redis.dbsize()));
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    // DBSIZE is only the progress bar's denominator; the scan itself reports real failures.
    return undefined;
  }
}

/** Named keys go to the shard serving their hash slot. */
export function routeKeys(shards: readonly CacheShard[], keys: readonly string[]): Map<CacheShard, Buffer[]> {
  const routed = new Map<CacheShard, Buffer[]>();
  for (const k of keys) {
    const buf = Buffer.from(k, 'utf8');
    let shard = shards[0]!;
    if (shards.length > 1) {
      const slot = keySlot(buf);
      shard = shards.find((s) => s.slots?.some(([a, b]) => slot >= a && slot <= b)) ?? shard;
    }
    const list = routed.get(shard) ?? [];
    list.push(buf);
    routed.set(shard, list);
  }
  return routed;
}

/** A counting semaphore over promises that remembers the first failure. */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  private error: unknown;
  failed = false;
  constructor(private readonly max: number) {}

  async acquire(): Promise<void> {
    while (this.running.size >= this.max) await Promise.race(this.running);
    if (this.failed) throw this.error;
  }

  track(p: Promise<void>): void {
    const tracked: Promise<void> = p.then(
      () => {
        this.running.delete(tracked);
      },
      (err: unknown) => {
        this.running.delete(tracked);
        if (!this.failed) {
          this.failed = true;
          this.error = err;
        }
      },
    );
    this.running.add(tracked);
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    if (this.failed) throw this.error;
  }
}
