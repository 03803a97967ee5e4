import { UnrecoverableError, type Job } from 'bullmq';
import { checkBatch } from '../src/scan/check-batch.js';
import { recordOutcome } from './record-outcome.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * Data of a sweep's check batch. Keys travel as latin1 strings: every byte of a binary key
 * survives the JSON round trip, and ASCII keys stay readable in the queue.
 */
export interface CheckJob {
  sweepId: number;
  shard: string;
  keys: string[];
}

export function encodeKeys(keys: readonly Buffer[]): string[] {
  return keys.map((k) => k.toString('latin1'));
}

export function decodeKeys(keys: readonly string[]): Buffer[] {
  return keys.map((k) => Buffer.from(k, 'latin1'));
}

/** Check one batch of a sweep and record it; failures throw, and the queue retries with backoff. */
export async function processCheckJob(deps: ServiceDeps, job: Job<CheckJob>): Promise<{ scanned: number; findings: number }> {
  const { sweepId, shard, keys } = job.data;
  return deps.session.use(async (s) => {
    const target = s.cache.shards.find((x) => x.name === shard);
    if (!target) {
      // The cluster's shards changed since the sweep queued this batch; the keys now live
      // elsewhere and the next sweep walks the new topology.
      throw new UnrecoverableError(`shard ${shard} is no longer part of the cache`);
    }
    const stop = deps.metrics.checkBatchDuration.startTimer({ path: 'sweep' });
    const outcome = await checkBatch(s.ctx, target, decodeKeys(keys));
    stop();
    await recordOutcome(deps, outcome, { path: 'sweep', sweepId, batchId: job.id, scanned: outcome.scanned });
    return { scanned: outcome.scanned, findings: outcome.findings.length };
  });
}
