import type { BatchOutcome } from '../src/scan/scan-report.js';
import { ReportBuilder } from '../src/scan/scan-report.js';
import { recordBatch, type RecordResult } from '../src/state/record-batch.js';
import { stateKey } from '../src/state/state-key.js';
import { isGrouped } from '../src/findings/fingerprint.js';
import type { Severity } from '../src/types.js';
import { RETRIED } from './queues.js';
import type { ServiceDeps } from './service-deps.js';

/** Which path checked the batch: a label of the metrics and logs. */
export type CheckPath = 'sweep' | 'sample' | 'realtime' | 'confirm';

export interface RecordOptions {
  path: CheckPath;
  sweepId?: number;
  batchId?: string;
  scanned?: number;
  confirming?: { fingerprint: string; payloadSha256?: string };
}

/** Data of a confirmation job: identifies the finding and the bytes that were flagged. */
export interface ConfirmJob {
  findingId: string;
  fingerprint: string;
  key: string;
  /** The key's exact bytes, latin1-encoded (its text may not round-trip: invalid UTF-8, NUL). */
  keyBytes?: string;
  payloadSha256?: string;
}

/**
 * Store a checked batch, queue confirmations for its new critical findings, and count it.
 * Grouped kinds (unscoped/unregistered) only come from sweeps: a sample or a single key says
 * nothing about how many keys a shape has.
 */
export async function recordOutcome(deps: ServiceDeps, outcome: BatchOutcome, opts: RecordOptions): Promise<RecordResult> {
  const report = new ReportBuilder();
  report.add(outcome);
  const built = report.build(0, deps.config.unregistered);
  const findings = opts.path === 'sweep' ? built.findings : built.findings.filter((f) => !isGrouped(f));
  const result = await recordBatch(deps.state.pool, {
    findings,
    checkedKeys: outcome.checkedKeys,
    uncheckedKeys: outcome.uncheckedKeys,
    perPattern: outcome.perPattern,
    sweepId: opts.sweepId,
    batchId: opts.batchId,
    scanned: opts.scanned,
    confirming: opts.confirming,
    countKeys: opts.path !== 'confirm',
    minSeverity: minSeverity(deps),
  });
  const bytesByStateKey = new Map([...outcome.keyBytes].map(([k, b]) => [stateKey(k), b]));
  for (const c of result.toConfirm) {
    const data: ConfirmJob = { findingId: c.id, fingerprint: c.fingerprint, key: c.key, keyBytes: bytesByStateKey.get(c.key)?.toString('latin1'), payloadSha256: c.payloadSha256 };
    // One pending confirmation per (finding, payload): repeated sightings do not pile up.
    await deps.queues.confirm.add('confirm', data, { ...RETRIED, attempts: 10, delay: deps.config.confirm.afterMs, jobId: `f${c.id}-${c.payloadSha256 ?? 'none'}` });
  }
  count(deps, outcome, findings, opts.path);
  for (const id of result.openedIncidents) deps.log.warn({ incidentId: id }, 'incident opened');
  for (const id of result.resolvedIncidents) deps.log.info({ incidentId: id }, 'incident resolved');
  deps.metrics.incidentsOpened.inc(result.openedIncidents.length);
  deps.metrics.incidentsResolved.inc(result.resolvedIncidents.length);
  return result;
}

export function minSeverity(deps: ServiceDeps): Severity {
  const v = deps.config.alerts?.minSeverity;
  return v === 'warning' || v === 'info' ? v : 'critical';
}

function formatOf(deps: ServiceDeps, pattern: string | undefined): string {
  return deps.config.patterns.find((p) => p.name === pattern)?.format ?? 'unknown';
}

function count(deps: ServiceDeps, outcome: BatchOutcome, findings: readonly { kind: string; severity: string; key?: string; pattern?: string }[], path: CheckPath): void {
  if (path === 'confirm') return;
  for (const [pattern, n] of outcome.perPattern) deps.metrics.keysScanned.inc({ pattern, path }, n);
  if (outcome.uncheckedKeys.length > 0) deps.metrics.keysUnchecked.inc({ path }, outcome.uncheckedKeys.length);
  const wrong = new Map<string, Set<string>>();
  for (const f of findings) {
    deps.metrics.findings.inc({ kind: f.kind, severity: f.severity });
    if (f.kind === 'undecodable') deps.metrics.decodeFailures.inc({ format: formatOf(deps, f.pattern) });
    if (f.severity === 'critical' && f.pattern && f.key) {
      const s = wrong.get(f.pattern) ?? new Set<string>();
      s.add(f.key);
      wrong.set(f.pattern, s);
    }
  }
  for (const [pattern, keys] of wrong) deps.metrics.keysWrongTenant.inc({ pattern }, keys.size);
}
