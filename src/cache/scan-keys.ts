import type { Redis } from 'ioredis';
import { CacheUnavailable, describeError } from '../errors.js';

export interface ScanOptions {
  match?: string;
  count: number;
  /** Resume from a checkpointed cursor (the watchdog); '0' starts a full pass. */
  cursor?: string;
  signal?: AbortSignal;
}

/** One SCAN reply: the keys as the exact bytes Redis holds, and the cursor after them. */
export interface ScanPage {
  keys: Buffer[];
  cursor: string;
}

/**
 * SCAN one node with MATCH and COUNT, page by page. Never KEYS: SCAN's per-call work is
 * bounded, so the production cache keeps serving while we walk it.
 */
export async function* scanKeys(redis: Redis, opts: ScanOptions): AsyncGenerator<ScanPage> {
  let cursor = opts.cursor ?? '0';
  const args: (string | number)[] = ['COUNT', opts.count];
  if (opts.match) args.unshift('MATCH', opts.match);
  do {
    if (opts.signal?.aborted) return;
    let reply: [Buffer, Buffer[]];
    try {
      reply = (await redis.scanBuffer(cursor, ...(args as ['COUNT', number]))) as [Buffer, Buffer[]];
    } catch (err) {
      throw new CacheUnavailable(`SCAN failed on the cache: ${describeError(err)}`, { cause: err });
    }
    cursor = reply[0].toString();
    if (reply[1].length > 0 || cursor === '0') yield { keys: reply[1], cursor };
  } while (cursor !== '0');
}
