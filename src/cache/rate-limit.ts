/**
 * Token bucket bounding reads from the cache to `rate` keys per second across every shard
 * of one process. A batch larger than the bucket may borrow: it waits until the debt is paid,
 * so the long-run rate holds while batches stay whole.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number = rate,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Milliseconds to wait before taking `n` tokens (0 = unlimited rate). Takes them. */
  reserve(n: number): number {
    if (this.rate <= 0) return 0;
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  /** Resolves once `n` keys may be read. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    const wait = this.reserve(n);
    if (wait > 0) await sleep(wait, signal);
  }
}

/** Waits `ms`, or less if `signal` aborts first (a rate wait must not hold up a shutdown). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
