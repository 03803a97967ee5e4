import type { Job } from 'bullmq';
import { checkBatch } from '../src/scan/check-batch.js';
import { routeKeys } from '../src/scan/run-scan.js';
import { recordOutcome, type ConfirmJob } from './record-outcome.js';
import type { ServiceDeps } from './service-deps.js';

export type ConfirmOutcome = 'confirmed' | 'not reproduced' | 'payload changed';

/**
 * SPEC §6 confirmation: after `confirm.after`, re-read the key and re-ask its owners. The finding
 * is confirmed only if it reproduces on the same bytes (same SHA-256). A repaired entry or an
 * ownership transfer resolves it instead; a racing write with another bad payload starts a new
 * confirmation of the new bytes.
 */
export async function processConfirmJob(deps: ServiceDeps, job: Job<ConfirmJob>): Promise<ConfirmOutcome> {
  const { key, fingerprint, payloadSha256, findingId } = job.data;
  await deps.session.use(async (s) => {
    const [[shard, keys]] = [...routeKeys(s.cache.shards, [key])] as [[(typeof s.cache.shards)[number], Buffer[]]];
    const outcome = await checkBatch(s.ctx, shard, keys);
    await recordOutcome(deps, outcome, { path: 'confirm', confirming: { fingerprint, payloadSha256 } });
  });
  const row = await deps.state.pool.query<{ status: string; confirmed: boolean; payload_sha256: string | null }>(
    'select status, confirmed, payload_sha256 from findings where id = $1',
    [findingId],
  );
  const f = row.rows[0];
  const result: ConfirmOutcome = !f || f.status === 'resolved' ? 'not reproduced' : f.confirmed ? 'confirmed' : 'payload changed';
  deps.metrics.confirmations.inc({ outcome: result });
  deps.log.info({ findingId, key, outcome: result }, 'confirmation re-check');
  return result;
}
