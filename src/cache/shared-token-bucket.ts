import type { Redis } from 'ioredis';
import { sleep } from './rate-limit.js';

/** Anything that paces cache reads: the per-process TokenBucket or the shared one below. */
export interface RateLimiter {
  take(n: number, signal?: AbortSignal): Promise<void>;
}

// Refill by elapsed server time, take n, answer how long the caller must wait to repay a debt.
// Redis TIME keeps every worker on one clock; the key expires when no one reads any more.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000) - n
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
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
  async reserve(n: number): Promise<number> {
    if (this.rate <= 0 || n <= 0) return 0;
    return Number(await this.redis.eval(TAKE, 1, this.key, this.rate, this.burst, n));
  }

  async take(n: number, signal?: AbortSignal): Promise<void> {
    const wait = await this.reserve(n);
    if (wait > 0) await sleep(wait, signal);
  }
}
