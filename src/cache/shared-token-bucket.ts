import type { Redis } from 'ioredis';
import { sleep } from './rate-limit.js';

/** Anything that paces cache reads: the per-process TokenBucket or the shared one below. */
export interface RateLimiter {
  take(n: number, signal?: AbortSignal): Promise<void>;
}

// Refill by elapsed server time, take n, answer how long the caller must wait to repay a debt.
// Redis TIME keeps every worker on one clock; the key expires when no one reads any more.
// A priority take (ARGV[4] = 1: real-time checks, confirmations) adds its n to the shared debt,
// which the sweep's next batches wait off, but waits only on a bucket of its own (ptokens): a
// one-key real-time check never queues behind a sweep's borrowed batches, priority reads alone
// never pass the rate, and over time all reads together stay within it.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local priority = ARGV[4] == '1'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'ptokens', 'pts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000) - n
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
if priority then
  local ptokens = tonumber(b[3]) or burst
  local pts = tonumber(b[4]) or now
  tokens = math.min(burst, ptokens + (now - pts) * rate / 1000) - n
  redis.call('HSET', KEYS[1], 'ptokens', tostring(tokens), 'pts', tostring(now))
end
redis.call('PEXPIRE', KEYS[1], 60000)
if tokens >= 0 then return 0 end
return math.ceil(-tokens * 1000 / rate)
`;

/**
 * A token bucket in the queue Redis, shared by every worker process: `sweep.rate` bounds the
 * reads of all of them together, not of each. Like TokenBucket, a batch may borrow and then
 * waits its debt off, so batches stay whole and the long-run rate holds.
 */
export class SharedTokenBucket implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly rate: number,
    private readonly burst: number = rate,
  ) {}

  /** Takes `n` tokens; resolves to the milliseconds the caller must wait before reading. */
  async reserve(n: number, priority = false): Promise<number> {
    if (this.rate <= 0 || n <= 0) return 0;
    return Number(await this.redis.eval(TAKE, 1, this.key, this.rate, this.burst, n, priority ? 1 : 0));
  }

  async take(n: number, signal?: AbortSignal): Promise<void> {
    const wait = await this.reserve(n);
    if (wait > 0) await sleep(wait, signal);
  }

  /** The same bucket for reads that must not queue behind the sweep (see TAKE above). */
  readonly priority: RateLimiter = {
    take: async (n, signal) => {
      const wait = await this.reserve(n, true);
      if (wait > 0) await sleep(wait, signal);
    },
  };
}
