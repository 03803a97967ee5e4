import { openMasterShard, type CacheShard } from '../src/cache/connect-cache.js';

/**
 * Connections to the masters of replica shards (`cluster.readFrom: replica`), for the reads that
 * must see a write as soon as it happened: real-time checks (a replica may not have the write
 * when its event arrives) and confirmations (a lagging replica would make a real leak look
 * repaired). Opened on a shard's first such read; a broken one is dropped and opened again.
 */
export class MasterShards {
  private readonly opened = new Map<string, Promise<{ shard: CacheShard; close(): Promise<void> }>>();

  /** The shard to read fresh values from: its master for a replica shard, else itself. */
  async fresh(shard: CacheShard): Promise<CacheShard> {
    if (!shard.master) return shard;
    let opened = this.opened.get(shard.name);
    if (!opened) {
      opened = openMasterShard(shard);
      this.opened.set(shard.name, opened);
      opened.catch(() => this.opened.delete(shard.name));
    }
    return (await opened).shard;
  }

  /** Forgets (and closes) the master connection of this shard, e.g. after a failed read. */
  async drop(name: string): Promise<void> {
    const opened = this.opened.get(name);
    this.opened.delete(name);
    await opened?.then((m) => m.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.opened.keys()].map((name) => this.drop(name)));
  }
}
