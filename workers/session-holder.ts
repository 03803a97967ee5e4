import { CacheUnavailable, SourceUnavailable } from '../src/errors.js';
import type { ScanSession } from '../src/scan/open-scan-context.js';

/**
 * The worker process's connection to the cache and source, opened on first use and reopened
 * after either fails: the engine's clients give up fast (a CLI must end with one clear line),
 * so the long-running service supervises them here instead.
 */
export class SessionHolder {
  private current?: Promise<ScanSession>;
  constructor(private readonly open: () => Promise<ScanSession>) {}

  async use<T>(fn: (s: ScanSession) => Promise<T>): Promise<T> {
    const pending = (this.current ??= this.open());
    let session: ScanSession;
    try {
      session = await pending;
    } catch (err) {
      if (this.current === pending) this.current = undefined;
      throw err;
    }
    try {
      return await fn(session);
    } catch (err) {
      if (err instanceof CacheUnavailable || err instanceof SourceUnavailable) this.drop(pending, session);
      throw err;
    }
  }

  private drop(pending: Promise<ScanSession>, session: ScanSession): void {
    if (this.current !== pending) return;
    this.current = undefined;
    // Other jobs still holding it fail on their own and are retried by the queue.
    void session.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const pending = this.current;
    this.current = undefined;
    if (!pending) return;
    const session = await pending.catch(() => undefined);
    await session?.close();
  }
}
