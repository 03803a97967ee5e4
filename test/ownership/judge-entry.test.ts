import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { judgeEntry } from '../../src/ownership/judge-entry.js';
import type { OwnerAnswer } from '../../src/ownership/owner-query.js';
import { compileChecks } from '../../src/scan/compile-checks.js';
import type { CheckUnit, EntryDraft, PayloadState } from '../../src/scan/prepare-entry.js';

/** The rules of SPEC §3 on plain values: no Redis, no Postgres. */
const config = parseConfigText(
  `
cache: { url: "redis://x" }
source: { url: "postgres://x@y/z" }
patterns:
  - { name: scoped, key: "p:{tenant}:{id}", marker: $.t, owner: { table: projects, tenant: tenant_id, match: { id: id } } }
  - { name: legacy, key: "p:{id}", marker: $.t, owner: { table: projects, tenant: tenant_id, match: { id: id } } }
  - { name: list, key: "l:{tenant}", items: "$.items[*]", marker: $.t, owner: { table: projects, tenant: tenant_id, match: { id: $.id } } }
`,
  {},
);
const checks = compileChecks(config.patterns, new Map([['projects', new Map([['tenant_id', 'text'], ['id', 'integer']])]]), { maxBytes: 1024, maxDepth: 16 });
const decoded: PayloadState = { state: 'decoded', negative: false };
const draft = (pattern: string, key: string, units: CheckUnit[], keyTenant?: string, payload: PayloadState = decoded): EntryDraft => ({
  key,
  checks: checks.get(pattern)!,
  keyTenant,
  payload,
  units,
});
const marked = (...tenants: string[]): CheckUnit['markers'] => ({ found: true, tenants, invalid: 0 });
const owners = (owned: string[], all?: string[]): OwnerAnswer => ({ owned: new Set(owned), owners: all, ownerCount: all?.length });
const kinds = (d: EntryDraft, answers: (OwnerAnswer | undefined)[], unknown: string[] = []) =>
  judgeEntry(d, answers, new Set(unknown)).map((f) => f.kind).sort();

describe('judgeEntry', () => {
  it('finds nothing when key, marker and owner agree', () => {
    expect(kinds(draft('scoped', 'p:a:1', [{ markers: marked('a'), match: { values: ['1'] } }], 'a'), [owners(['a'])])).toEqual([]);
  });

  it('flags a marker naming another tenant than the key, and a marker tenant that owns nothing here', () => {
    const d = draft('scoped', 'p:a:1', [{ markers: marked('b'), match: { values: ['1'] } }], 'a');
    expect(kinds(d, [owners(['a'], ['a'])])).toEqual(['cross_tenant_payload', 'foreign_owner']);
  });

  it('flags a key tenant that does not own the row, naming the owners', () => {
    const d = draft('scoped', 'p:a:1', [{ markers: marked('a'), match: { values: ['1'] } }], 'a');
    const [mismatch, foreign] = judgeEntry(d, [owners([], ['b'])], new Set());
    expect([mismatch!.kind, foreign!.kind].sort()).toEqual(['foreign_owner', 'key_owner_mismatch']);
    expect(mismatch!.ownerTenants).toEqual(['b']);
  });

  it('reports an empty owner set as orphan_entry alone, never as a mismatch', () => {
    const d = draft('scoped', 'p:a:1', [{ markers: marked('b'), match: { values: ['1'] } }], 'a');
    expect(kinds(d, [owners([], [])])).toEqual(['cross_tenant_payload', 'orphan_entry']);
    expect(kinds(d, [{ owned: new Set(), impossibleValue: 'x' }])).toEqual(['cross_tenant_payload', 'orphan_entry']);
  });

  it('flags an unscoped key whose row two tenants own as unscoped_collision, but not one owned once', () => {
    const d = draft('legacy', 'p:1', [{ markers: marked('a'), match: { values: ['1'] } }]);
    expect(kinds(d, [owners(['a'], ['a', 'b'])])).toEqual(['unscoped_collision']);
    expect(kinds(d, [owners(['a'], ['a'])])).toEqual([]);
  });

  it('reports a missing marker as unmarked_payload, but not on a negative cache entry', () => {
    expect(kinds(draft('scoped', 'p:a:1', [{ markers: { found: false, tenants: [], invalid: 0 } }], 'a'), [undefined])).toEqual(['unmarked_payload']);
    expect(kinds(draft('scoped', 'p:a:1', [], 'a', { state: 'decoded', negative: true }), [])).toEqual(['negative_cache']);
  });

  it('keeps the key checks for payloads it could not decode', () => {
    const d = draft('legacy', 'p:1', [{ match: { values: ['1'] } }], undefined, { state: 'undecodable', detail: 'json: invalid JSON' });
    expect(kinds(d, [owners([], ['a', 'b'])])).toEqual(['undecodable', 'unscoped_collision']);
  });

  it('reports one finding per kind for a list and names the offending items only', () => {
    const d = draft('list', 'l:a', [
      { label: 'item 0', markers: marked('a'), match: { values: ['1'] } },
      { label: 'item 1', markers: marked('b'), match: { values: ['2'] } },
      { label: 'item 2', markers: marked('c'), match: { values: ['3'] } },
    ], 'a');
    const findings = judgeEntry(d, [owners(['a']), owners(['b']), owners(['c'])], new Set());
    const cross = findings.filter((f) => f.kind === 'cross_tenant_payload');
    expect(cross).toHaveLength(1);
    expect(cross[0]!.detail).toMatch(/item 1.*item 2/);
    expect(cross[0]!.detail).not.toContain('item 0');
    // A payload-derived row id is payload content: the detail does not name it.
    expect(findings.find((f) => f.kind === 'key_owner_mismatch')!.detail).not.toMatch(/row [23]/);
  });

  it('flags tenants missing from the tenants table', () => {
    const d = draft('scoped', 'p:z:1', [{ markers: marked('z'), match: { values: ['1'] } }], 'z');
    expect(kinds(d, [owners(['z'])], ['z'])).toEqual(['unknown_tenant']);
  });
});
