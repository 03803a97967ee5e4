import type pg from 'pg';
import { resolveSettledIncidents } from './incidents.js';
import { stateKey } from './state-key.js';
import { withTransaction } from './with-transaction.js';

/** A sweep in progress: one SCAN walk per shard, each with its checkpointed cursor. */
export interface SweepState {
  id: number;
  startedAt: Date;
  resumed: boolean;
  /** Shards and slots when the sweep began (see migrations/004). */
  topology?: string;
  shards: { shard: string; cursor: string; done: boolean }[];
}

/**
 * Resume the unfinished sweep, or start one (SPEC: at most one sweep at a time). The caller
 * holds the sweep lock; the unique index on running sweeps backs it up.
 */
export interface ClaimOptions {
  total?: number;
  topology?: string;
  /** Only an unfinished sweep is claimed; undefined when there is none. */
  resumeOnly?: boolean;
}

export async function claimSweep(pool: pg.Pool, reason: string, shards: readonly string[], opts: ClaimOptions & { resumeOnly: true }): Promise<SweepState | undefined>;
export async function claimSweep(pool: pg.Pool, reason: string, shards: readonly string[], opts?: ClaimOptions): Promise<SweepState>;
export async function claimSweep(pool: pg.Pool, reason: string, shards: readonly string[], opts: ClaimOptions = {}): Promise<SweepState | undefined> {
  const { total, topology, resumeOnly = false } = opts;
  return withTransaction(pool, async (client) => {
    const running = await client.query<{ id: string; started_at: Date; topology: string | null }>(`select id::text, started_at, topology from sweeps where status = 'running'`);
    let id: number;
    let startedAt: Date;
    let startTopology: string | undefined;
    const resumed = running.rows.length > 0;
    if (!resumed && resumeOnly) return undefined;
    if (resumed) {
      id = Number(running.rows[0]!.id);
      startedAt = running.rows[0]!.started_at;
      startTopology = running.rows[0]!.topology ?? undefined;
    } else {
      const ins = await client.query<{ id: string; started_at: Date }>(`insert into sweeps (reason, total, topology) values ($1, $2, $3) returning id::text, started_at`, [reason, total ?? null, topology ?? null]);
      id = Number(ins.rows[0]!.id);
      startedAt = ins.rows[0]!.started_at;
      startTopology = topology;
    }
    // A shard added to the cluster since the sweep began is walked from the start.
    await client.query(`insert into sweep_shards (sweep_id, shard) select $1, unnest($2::text[]) on conflict do nothing`, [id, shards]);
    const rows = await client.query<{ shard: string; cursor: string; done: boolean }>(
      `select shard, cursor, done from sweep_shards where sweep_id = $1 and shard = any($2) order by shard`,
      [id, shards],
    );
    return { id, startedAt, resumed, topology: startTopology, shards: rows.rows };
  });
}

/**
 * Checkpoint a shard's SCAN after its pages' batches were queued: registers the batches as
 * pending (unless their checks already finished) and moves the cursor on, in one statement.
 */
export async function checkpoint(pool: pg.Pool, sweepId: number, shard: string, cursor: string, batchIds: readonly string[] = [], pages = 1): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query(
      `with pending as (insert into sweep_batches (sweep_id, batch_id) select $1, unnest($4::text[]) on conflict do nothing)
       update sweep_shards set cursor = $3, done = ($3 = '0'), pages = pages + $5 where sweep_id = $1 and shard = $2`,
      [sweepId, shard, cursor, batchIds, pages],
    );
  });
}

export async function pendingBatches(pool: pg.Pool, sweepId: number): Promise<number> {
  const res = await pool.query<{ n: string }>(`select count(*)::text as n from sweep_batches where sweep_id = $1 and not done`, [sweepId]);
  return Number(res.rows[0]!.n);
}

/**
 * Close a complete sweep: every key it did not reach is gone (expired, evicted, deleted), so
 * per-key findings it did not touch resolve; grouped findings it did not see resolve; then
 * incidents with nothing left open resolve. Returns the incidents it resolved.
 */
export async function finishSweep(pool: pg.Pool, sweep: SweepState, opts: { resolveGone?: boolean } = {}): Promise<{ resolvedFindings: number; resolvedIncidents: string[] }> {
  const resolveGone = opts.resolveGone ?? true;
  return withTransaction(pool, async (client) => {
    // Resolving a mass of findings at once (a flushed cache) may take longer than the pool's
    // 30 s statement timeout; failing here would leave the sweep unfinishable.
    await client.query(`set local statement_timeout = '10min'`);
    const gone = resolveGone
      ? await client.query(
          `update findings set status = 'resolved', resolved_at = now()
            where status <> 'resolved' and (
              (key is not null and last_swept < $2) or
              (key is null and last_sweep_id is distinct from $1))`,
          [sweep.id, sweep.startedAt],
        )
      : { rowCount: 0 };
    const incidents = await resolveSettledIncidents(client);
    await client.query(`update sweeps set status = 'done', finished_at = now() where id = $1`, [sweep.id]);
    // Retention: batch bookkeeping is only needed while a sweep runs; correctness figures keep
    // a week, sweeps a month (findings and incidents are the history and are kept).
    await client.query('delete from sweep_batches where sweep_id = $1', [sweep.id]);
    await client.query(`delete from pattern_minutes where minute < now() - interval '7 days'`);
    await client.query(`delete from sweeps where finished_at < now() - interval '30 days'`);
    return { resolvedFindings: gone.rowCount ?? 0, resolvedIncidents: incidents };
  });
}

/** A sweep that cannot go on (e.g. the cache's keyspace changed under a cluster resharding). */
export async function failSweep(pool: pg.Pool, sweepId: number, error: string): Promise<void> {
  await pool.query(`update sweeps set status = 'failed', finished_at = now(), error = $2 where id = $1`, [sweepId, error]);
}

/**
 * A batch the queue gave up on (attempts exhausted, or unrecoverable): the sweep stops waiting
 * for it, its keys count as unchecked, and their open findings are kept, not resolved as gone.
 */
export async function abandonBatch(pool: pg.Pool, sweepId: number, batchId: string, keys: readonly string[]): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const res = await client.query(
      `insert into sweep_batches (sweep_id, batch_id, done) values ($1, $2, true)
       on conflict (sweep_id, batch_id) do update set done = true where not sweep_batches.done`,
      [sweepId, batchId],
    );
    if ((res.rowCount ?? 0) === 0) return false;
    await client.query('update sweeps set unchecked = unchecked + $2 where id = $1', [sweepId, keys.length]);
    await client.query(`update findings set last_swept = now() where status <> 'resolved' and key = any($1)`, [keys.map(stateKey)]);
    return true;
  });
}
