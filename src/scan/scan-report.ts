import { SEVERITY_RANK, type Finding, type Severity, type SeverityOrIgnore } from '../types.js';

/** SPEC §4's `--json` document, plus what could not be checked and why. */
export interface ScanReport {
  scanned: number;
  durationMs: number;
  patterns: Record<string, number>;
  findings: Finding[];
  /** Keys read but not fully checked (never counted as clean), by reason. */
  unchecked: { total: number; reasons: Record<string, number> };
  /** Keys that expired or were deleted between SCAN and read. */
  vanished: number;
  /** Per-key findings left out of `findings` beyond the per-kind cap, by kind. */
  omitted?: Record<string, number>;
}

/** What one batch contributes to the report. */
export interface BatchOutcome {
  scanned: number;
  perPattern: Map<string, number>;
  findings: Finding[];
  unregistered: Map<string, { count: number; samples: string[] }>;
  unscoped: Map<string, number>;
  unchecked: Map<string, number>;
  vanished: number;
  /** Registered keys of this batch read and judged completely (clean or not), or found gone. */
  checkedKeys: string[];
  /** Registered keys of this batch that could not be fully checked. */
  uncheckedKeys: string[];
  /** The exact bytes of each key with findings (a key's text may not round-trip to its bytes). */
  keyBytes: Map<string, Buffer>;
}

export function emptyOutcome(): BatchOutcome {
  return { scanned: 0, perPattern: new Map(), findings: [], unregistered: new Map(), unscoped: new Map(), unchecked: new Map(), vanished: 0, checkedKeys: [], uncheckedKeys: [], keyBytes: new Map() };
}

export function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

const SAMPLE_KEYS = 10;
/** Distinct unregistered shapes kept; the rest are counted under one catch-all shape. */
export const MAX_SHAPES = 1000;
export const OTHER_SHAPES = '(other unregistered shapes)';

/**
 * Accumulates batch outcomes. Per-key findings are capped per kind so a cache full of one
 * problem cannot exhaust memory; the cap is reported, never silent.
 */
export class ReportBuilder {
  private readonly total = emptyOutcome();
  private readonly perKind = new Map<string, number>();
  private readonly omitted = new Map<string, number>();
  constructor(private readonly maxPerKind = 10_000) {}

  get scanned(): number {
    return this.total.scanned;
  }

  add(o: BatchOutcome): void {
    const t = this.total;
    t.scanned += o.scanned;
    t.vanished += o.vanished;
    for (const [k, v] of o.perPattern) bump(t.perPattern, k, v);
    for (const [k, v] of o.unscoped) bump(t.unscoped, k, v);
    for (const [k, v] of o.unchecked) bump(t.unchecked, k, v);
    for (const [found, u] of o.unregistered) {
      const shape = t.unregistered.has(found) || t.unregistered.size < MAX_SHAPES ? found : OTHER_SHAPES;
      const cur = t.unregistered.get(shape);
      if (!cur) t.unregistered.set(shape, { count: u.count, samples: u.samples.slice(0, SAMPLE_KEYS) });
      else {
        cur.count += u.count;
        for (const s of u.samples) if (cur.samples.length < SAMPLE_KEYS && !cur.samples.includes(s)) cur.samples.push(s);
      }
    }
    for (const f of o.findings) {
      const n = this.perKind.get(f.kind) ?? 0;
      if (n >= this.maxPerKind) bump(this.omitted, f.kind);
      else {
        this.perKind.set(f.kind, n + 1);
        t.findings.push(f);
      }
    }
  }

  build(durationMs: number, unregisteredSeverity: SeverityOrIgnore): ScanReport {
    const t = this.total;
    const grouped: Finding[] = [];
    for (const [pattern, count] of t.unscoped) {
      grouped.push({ kind: 'unscoped_key', severity: 'warning', pattern, count, detail: `${count} key(s) of pattern "${pattern}" carry no tenant` });
    }
    if (unregisteredSeverity !== 'ignore') {
      for (const [shape, u] of t.unregistered) {
        grouped.push({ kind: 'unregistered_key', severity: unregisteredSeverity, shape, count: u.count, sampleKeys: u.samples, detail: `${u.count} key(s) match no registered pattern` });
      }
    }
    const findings = [...grouped, ...t.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    const report: ScanReport = {
      scanned: t.scanned,
      durationMs: Math.round(durationMs),
      patterns: Object.fromEntries([...t.perPattern].sort()),
      findings,
      unchecked: { total: [...t.unchecked.values()].reduce((a, b) => a + b, 0), reasons: Object.fromEntries(t.unchecked) },
      vanished: t.vanished,
    };
    if (this.omitted.size > 0) report.omitted = Object.fromEntries(this.omitted);
    return report;
  }
}

/** Exit code of SPEC §4: 1 when a finding is at or above `failOn`. */
export function failsAt(report: ScanReport, failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false;
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}
