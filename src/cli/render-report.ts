import type { ScanReport } from '../scan/scan-report.js';
import type { AuditReport } from '../scan/run-audit.js';
import type { Finding } from '../types.js';
import { escapeText } from './escape-text.js';

/** The human summary of a scan: counts, then one line per finding, most severe first. */
export function renderScanReport(r: ScanReport): string {
  const lines: string[] = [];
  lines.push(`scanned ${r.scanned} keys in ${(r.durationMs / 1000).toFixed(1)}s` + (r.vanished ? ` (${r.vanished} expired while scanning)` : ''));
  const patterns = Object.entries(r.patterns);
  if (patterns.length > 0) lines.push(table(['pattern', 'keys'], patterns.map(([p, n]) => [p, String(n)])));
  if (r.findings.length === 0) lines.push('no findings');
  else {
    lines.push(`${r.findings.length} finding(s):`);
    lines.push(table(['severity', 'kind', 'key / shape', 'tenants', 'detail'], r.findings.map(findingRow)));
  }
  if (r.omitted) lines.push(`not listed (cap per kind reached): ${Object.entries(r.omitted).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (r.unchecked.total > 0) {
    lines.push(`${r.unchecked.total} key(s) could NOT be checked:`);
    for (const [reason, n] of Object.entries(r.unchecked.reasons)) lines.push(`  ${n}  ${escapeText(reason)}`);
  }
  return lines.join('\n');
}

export function renderAuditReport(r: AuditReport): string {
  const lines = [`scanned ${r.scanned} keys in ${(r.durationMs / 1000).toFixed(1)}s`];
  lines.push(table(['pattern', 'keys'], Object.entries(r.patterns).map(([p, n]) => [p, String(n)])));
  if (r.unscopedPatterns.length > 0) {
    lines.push('patterns without {tenant}:');
    lines.push(table(['pattern', 'key', 'keys'], r.unscopedPatterns.map((u) => [u.pattern, u.key, String(u.count)])));
  }
  if (r.unregistered.length > 0) {
    lines.push('unregistered key shapes:');
    lines.push(table(['shape', 'keys', 'sample'], r.unregistered.map((u) => [escapeText(u.shape), String(u.count), escapeText(u.sampleKeys[0] ?? '')])));
  }
  if (r.unscopedPatterns.length === 0 && r.unregistered.length === 0) lines.push('every key matches a tenant-scoped or global pattern');
  return lines.join('\n');
}

function findingRow(f: Finding): string[] {
  const subject = f.key !== undefined ? f.key : f.shape !== undefined ? `${f.shape} (${f.count} keys)` : `${f.pattern} (${f.count} keys)`;
  const tenants = [
    f.keyTenant !== undefined ? `key ${f.keyTenant}` : '',
    f.markerTenants?.length ? `payload ${f.markerTenants.join(',')}` : '',
    f.ownerTenants?.length ? `owners ${f.ownerTenants.join(',')}` : '',
  ].filter(Boolean).join('; ');
  return [f.severity, f.kind, escapeText(subject), escapeText(tenants), escapeText(f.detail)];
}

const MAX_CELL = 80;

function table(header: string[], rows: string[][]): string {
  const cut = (s: string) => (s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s);
  const all = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => '  ' + r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
