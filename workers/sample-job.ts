import type { CacheShard } from '../src/cache/connect-cache.js';
import { CacheUnavailable, describeError } from '../src/errors.js';
import { checkBatch } from '../src/scan/check-batch.js';
import { recordOutcome } from './record-outcome.js';
import type { ServiceDeps } from './service-deps.js';

export type SampleResult = { state: 'skipped'; why: string } | { state: 'done'; sampled: number; scanned: number };

// RANDOMKEY replies per pipeline: one round trip each, small enough not to stall the cache.
const PIPELINE = 100;

/**
 * Every minute, check `sweep.sample` random keys (RANDOMKEY, pipelined, spread over the
 * shards), also while a sweep runs: on a huge cache a sweep takes hours and may always be
 * running, and sampling is what bounds how long a widespread leak goes unseen meanwhile (the
 * odds are in the status). Its reads share `sweep.rate` with the sweep.
 */
export async function processSampleJob(deps: ServiceDeps): Promise<SampleResult> {
  const want = deps.config.sweep.sample;
  if (want <= 0) return { state: 'skipped', why: 'sweep.sample is 0' };
  return deps.session.use(async (s) => {
    const shards = s.cache.shards;
    let sampled = 0;
    let scanned = 0;
    for (const [i, shard] of shards.entries()) {
      const n = Math.floor(want / shards.length) + (i < want % shards.length ? 1 : 0);
      const keys = await randomKeys(shard, n);
      sampled += keys.length;
      if (keys.length === 0) continue;
      const stop = deps.metrics.checkBatchDuration.startTimer({ path: 'sample' });
      const outcome = await checkBatch(s.ctx, shard, keys);
      stop();
      scanned += outcome.scanned;
      await recordOutcome(deps, outcome, { path: 'sample' });
    }
    return { state: 'done', sampled, scanned };
  });
}

async function randomKeys(shard: CacheShard, n: number): Promise<Buffer[]> {
  const seen = new Map<string, Buffer>();
  for (let done = 0; done < n; done += PIPELINE) {
    const p = shard.redis.pipeline();
    for (let i = 0; i < Math.min(PIPELINE, n - done); i++) p.randomkeyBuffer();
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await p.exec();
    } catch (err) {
      throw new CacheUnavailable(`RANDOMKEY failed on ${shard.name}: ${describeError(err)}`, { cause: err });
    }
    for (const [err, key] of replies ?? []) {
      if (err) throw new CacheUnavailable(`RANDOMKEY failed on ${shard.name}: ${describeError(err)}`, { cause: err });
      if (Buffer.isBuffer(key)) seen.set(key.toString('latin1'), key);
    }
  }
  return [...seen.values()];
}
