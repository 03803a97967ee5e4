import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/cache/rate-limit.js';

describe('TokenBucket', () => {
  it('lets a burst through and then holds the long-run rate', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 1000, () => now);
    expect(bucket.reserve(1000)).toBe(0);
    expect(bucket.reserve(500)).toBe(500);
    now = 2000;
    // 2 s later the 500-token debt is paid and 1,000 more are there (capped at the burst).
    expect(bucket.reserve(1000)).toBe(0);
    expect(bucket.reserve(1)).toBeCloseTo(1, 5);
  });

  it('never waits when the rate is 0 (unlimited)', () => {
    const bucket = new TokenBucket(0);
    expect(bucket.reserve(1_000_000)).toBe(0);
  });
});
