import { describe, expect, it } from 'vitest';
import { exposurePairs } from '../../src/findings/exposure-pairs.js';
import { fingerprint } from '../../src/findings/fingerprint.js';
import { correctness, detectionProbability } from '../../src/findings/correctness.js';

describe('exposurePairs', () => {
  it('exposes the marker tenant to the key tenant when a payload lands under another tenant\'s key', () => {
    expect(exposurePairs({ kind: 'cross_tenant_payload', severity: 'critical', key: 'project:globex:1', keyTenant: 'globex', markerTenants: ['acme'], detail: '' })).toEqual([{ owner: 'acme', exposed: 'globex' }]);
  });

  it('exposes the copy under an unscoped colliding key to every other owner of the id', () => {
    const pairs = exposurePairs({ kind: 'unscoped_collision', severity: 'critical', key: 'project:1041', markerTenants: ['acme'], ownerTenants: ['acme', 'globex', 'initech'], detail: '' });
    expect(pairs).toEqual([{ owner: 'acme', exposed: 'globex' }, { owner: 'acme', exposed: 'initech' }]);
  });

  it('exposes the row owners to the key tenant on a key/owner mismatch', () => {
    expect(exposurePairs({ kind: 'key_owner_mismatch', severity: 'critical', key: 'project:globex:1042', keyTenant: 'globex', ownerTenants: ['acme'], detail: '' })).toEqual([{ owner: 'acme', exposed: 'globex' }]);
  });

  it('exposes nothing for findings that show no other tenant\'s data', () => {
    expect(exposurePairs({ kind: 'unmarked_payload', severity: 'warning', key: 'k', keyTenant: 'acme', detail: '' })).toEqual([]);
    expect(exposurePairs({ kind: 'cross_tenant_payload', severity: 'critical', key: 'k', keyTenant: 'acme', markerTenants: ['acme'], detail: '' })).toEqual([]);
  });
});

describe('fingerprint', () => {
  it('identifies per-key findings by kind and key, grouped ones by kind and pattern or shape', () => {
    expect(fingerprint({ kind: 'foreign_owner', severity: 'critical', key: 'a:b', pattern: 'p', detail: 'x' })).toBe('foreign_owner|key|a:b');
    expect(fingerprint({ kind: 'unscoped_key', severity: 'warning', pattern: 'p', count: 3, detail: 'x' })).toBe('unscoped_key|pattern|p');
    expect(fingerprint({ kind: 'unregistered_key', severity: 'warning', shape: 'x:{id}', count: 3, detail: 'x' })).toBe('unregistered_key|shape|x:{id}');
  });
});

describe('correctness figures', () => {
  it('reports one wrong key in a thousand as three nines', () => {
    expect(correctness(1000, 1)).toEqual({ checked: 1000, wrong: 1, ratio: 0.999, nines: 3 });
  });

  it('caps the nines of a clean window at what its sample size can show', () => {
    expect(correctness(100, 0).nines).toBe(2);
    expect(correctness(0, 0)).toEqual({ checked: 0, wrong: 0 });
  });

  it('gives the odds that random samples include a bad key', () => {
    expect(detectionProbability(1000, 0.001)).toBeCloseTo(0.632, 3);
    expect(detectionProbability(0, 0.5)).toBe(0);
    expect(detectionProbability(10, 1)).toBe(1);
  });
});
