import type { Job } from 'bullmq';
import { checkBatch } from '../src/scan/check-batch.js';
import type { CacheShard } from '../src/cache/connect-cache.js';
import { keySlot } from '../src/cache/key-slot.js';
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
  const { key, keyBytes, fingerprint, payloadSha256, findingId } = job.data;
  const bytes = keyBytes === undefined ? Buffer.from(key, 'utf8') : Buffer.from(keyBytes, 'latin1');
  await deps.session.use(async (s) => {
    // On a replica shard the re-read goes to its master: a lagging replica would make a real
    // leak look repaired.
    const shard = shardFor(s.cache.shards, bytes);
    const target = await deps.masters.fresh(shard);
    const outcome = await checkBatch({ ...s.ctx, bucket: deps.priorityBucket }, target, [bytes]).catch(async (err: unknown) => {
      await deps.masters.drop(shard.name);
      throw err;
    });
    await recordOutcome(deps, outcome, { path: 'confirm', confirming: { fingerprint, payloadSha256 } });
    // A re-check that could not check the key (owner query failed, cache read error) proves
    // nothing either way: try again later rather than leave the finding unconfirmed.
    if (outcome.uncheckedKeys.length > 0) throw new Error('the confirmation re-check could not check the key; retrying');
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

/** The shard serving a key's hash slot (the only one for a standalone cache). */
function shardFor(shards: readonly CacheShard[], key: Buffer): CacheShard {
  if (shards.length === 1) return shards[0]!;
  const slot = keySlot(key);
  return shards.find((s) => s.slots?.some(([a, b]) => slot >= a && slot <= b)) ?? shards[0]!;
}
