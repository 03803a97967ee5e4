import type { CheckUnit, EntryDraft } from '../scan/prepare-entry.js';
import { KIND_SEVERITY, type Finding, type FindingKind } from '../types.js';
import type { OwnerAnswer } from './owner-query.js';

/** The source's answer for one check unit: ownership facts, or nothing to ask. */
export type UnitOwnership = OwnerAnswer | undefined;

/**
 * The rules of SPEC §3 for one key (pure). Each kind is reported at most once per key; for
 * `items` patterns the detail names the offending items. Findings hold tenant ids only —
 * never payload content.
 */
export function judgeEntry(draft: EntryDraft, ownership: readonly UnitOwnership[], unknownTenants: ReadonlySet<string>): Finding[] {
  const { checks, keyTenant, payload } = draft;
  const pattern = checks.config;
  const hits = new Map<FindingKind, string[]>();
  const note = (kind: FindingKind, why: string) => {
    const list = hits.get(kind);
    if (list) list.push(why);
    else hits.set(kind, [why]);
  };
  // Values taken from the payload (`$.id`) are payload content: only key values are named.
  const describeMatch = (match: CheckUnit['match']) =>
    match && 'values' in match && checks.matchSources.every((src) => src.from === 'key') ? `the row ${match.values.join('/')}` : 'the row it names';
  const markerTenants = new Set<string>();
  const ownerTenants = new Set<string>();

  if (payload.state === 'oversized') note('oversized', payload.detail);
  if (payload.state === 'undecodable') note('undecodable', payload.detail);
  if (payload.state === 'decoded' && payload.negative) note('negative_cache', 'the value is empty or null');

  draft.units.forEach((unit, i) => {
    const where = unit.label ? `${unit.label}: ` : '';
    const m = unit.markers;
    if (m) {
      m.tenants.forEach((t) => markerTenants.add(t));
      if (!m.found) note('unmarked_payload', `${where}marker ${pattern.marker?.join(' | ')} not found`);
      else if (m.tenants.length === 0) note('unmarked_payload', `${where}marker is not a tenant id`);
      if (keyTenant !== undefined) {
        const foreign = m.tenants.filter((t) => t !== keyTenant);
        if (foreign.length > 0) note('cross_tenant_payload', `${where}payload names tenant ${foreign.join(', ')}; key is scoped to ${keyTenant}`);
      }
    }
    const answer = ownership[i];
    if (!answer) return;
    answer.owners?.forEach((t) => ownerTenants.add(t));
    if (answer.impossibleValue !== undefined || answer.ownerCount === 0) {
      note('orphan_entry', `${where}no row in ${pattern.owner?.table} matches ${describeMatch(unit.match)}`);
      return;
    }
    if (keyTenant !== undefined && !answer.owned.has(keyTenant)) {
      note('key_owner_mismatch', `${where}tenant ${keyTenant} does not own ${describeMatch(unit.match)}`);
    }
    const notOwning = (m?.tenants ?? []).filter((t) => !answer.owned.has(t));
    if (notOwning.length > 0) note('foreign_owner', `${where}payload names tenant ${notOwning.join(', ')}, which does not own ${describeMatch(unit.match)}`);
    if (!checks.hasTenant && !pattern.global && (answer.ownerCount ?? 0) >= 2) {
      const n = answer.ownerCount! > (answer.owners?.length ?? 0) ? `more than ${answer.owners?.length}` : String(answer.ownerCount);
      note('unscoped_collision', `${where}${n} tenants own ${describeMatch(unit.match)}; the key has no tenant, so each is served whichever payload was cached`);
    }
  });

  const unknown = [keyTenant, ...markerTenants].filter((t): t is string => t !== undefined && unknownTenants.has(t));
  if (unknown.length > 0) note('unknown_tenant', `tenant ${[...new Set(unknown)].join(', ')} not found in the tenants table`);

  const findings: Finding[] = [];
  for (const [kind, whys] of hits) {
    findings.push({
      kind,
      severity: KIND_SEVERITY[kind as Exclude<FindingKind, 'unregistered_key'>],
      key: draft.key,
      pattern: pattern.name,
      keyTenant,
      markerTenants: markerTenants.size > 0 ? [...markerTenants] : undefined,
      ownerTenants: ownerTenants.size > 0 ? [...ownerTenants] : undefined,
      detail: summarize(whys),
    });
  }
  return findings;
}

/** Keep details short for lists of thousands of items. */
function summarize(whys: string[]): string {
  const MAX = 5;
  return whys.length <= MAX ? whys.join('; ') : `${whys.slice(0, MAX).join('; ')}; and ${whys.length - MAX} more`;
}
