import type { Job } from 'bullmq';
import type { ScanJobData } from '../src/queue/queue-config.js';
import { runScan } from '../src/scan/run-scan.js';
import type { ScanReport } from '../src/scan/scan-report.js';
import type { ServiceDeps } from './service-deps.js';

/** Progress an on-demand scan reports while it runs (GET /api/v1/scans/:id). */
export interface ScanProgressData {
  scanned: number;
  total?: number;
}

/**
 * An on-demand scan (POST /api/v1/scans): the checks of `tenantwatch scan` through the queue,
 * within the shared read rate. Its report is the job's result; it is not merged into the
 * findings store, so a narrow scan never resolves what it did not look at.
 */
export async function processScanJob(deps: ServiceDeps, job: Job<ScanJobData>): Promise<ScanReport> {
  const { match, patterns, keys, limit } = job.data;
  return deps.session.use(async (s) => {
    const ctx = patterns && patterns.length > 0 ? { ...s.ctx, patternFilter: new Set(patterns) } : s.ctx;
    let last = 0;
    return runScan(ctx, s.cache, {
      match,
      limit,
      keys,
      signal: deps.shutdown,
      onProgress: (p) => {
        // A progress write per batch would flood the queue Redis on a big scan: at most 4 a second.
        if (Date.now() - last < 250) return;
        last = Date.now();
        void job.updateProgress({ scanned: p.scanned, total: p.total } satisfies ScanProgressData).catch(() => undefined);
      },
    });
  });
}
