import { describe, expect, it } from 'vitest';
import { extractMarkers } from '../../src/markers/extract-markers.js';
import { compileJsonPath, evaluateJsonPath } from '../../src/markers/json-path.js';

const paths = (...list: string[]) => list.map(compileJsonPath);

describe('extractMarkers', () => {
  it('reads a tenant marker in canonical form', () => {
    expect(extractMarkers({ tenant_id: 42 }, paths('$.tenant_id'))).toEqual({ found: true, tenants: ['42'], invalid: 0 });
    expect(extractMarkers({ tenantId: '{1B4E28BA-2FA1-11D2-883F-0016D3CCA427}' }, paths('$.tenantId'))).toEqual({
      found: true,
      tenants: ['1b4e28ba-2fa1-11d2-883f-0016d3cca427'],
      invalid: 0,
    });
  });

  it('takes the first alternative that exists and ignores the rest', () => {
    const value = { tenantId: 'b', tenant: { id: 'c' } };
    expect(extractMarkers(value, paths('$.tenant_id', '$.tenantId', '$.tenant.id'))).toEqual({
      found: true,
      tenants: ['b'],
      invalid: 0,
    });
  });

  it('treats a null marker as missing and moves to the next alternative', () => {
    expect(extractMarkers({ tenant_id: null, org: 7 }, paths('$.tenant_id', '$.org')).tenants).toEqual(['7']);
    expect(extractMarkers({ tenant_id: null }, paths('$.tenant_id'))).toEqual({ found: false, tenants: [], invalid: 0 });
  });

  it('reports a missing marker as not found', () => {
    expect(extractMarkers({ name: 'x' }, paths('$.tenant_id', '$.tenantId'))).toEqual({ found: false, tenants: [], invalid: 0 });
    expect(extractMarkers('plain text', paths('$.tenant_id')).found).toBe(false);
    expect(extractMarkers({ tenant_id: 'a' }, []).found).toBe(false);
  });

  it("reads a Ruby object's instance variables through $['@attributes']", () => {
    const rails = new Map<string, unknown>([['@attributes', new Map<string, unknown>([['tenant_id', 'acme']])]]);
    expect(extractMarkers(rails, paths("$['@attributes'].tenant_id")).tenants).toEqual(['acme']);
  });

  it('de-duplicates tenants across matched values, 42 and "42" included', () => {
    const value = { owners: [{ t: 42 }, { t: '42' }, { t: 'b' }, { t: 42n }] };
    expect(extractMarkers(value, paths('$.owners[*].t'))).toEqual({ found: true, tenants: ['42', 'b'], invalid: 0 });
  });

  it('counts matched values that are not scalar tenant ids as invalid', () => {
    const value = { tenant_ids: ['a', null, { id: 'b' }, true, ''] };
    expect(extractMarkers(value, paths('$.tenant_ids[*]'))).toEqual({ found: true, tenants: ['a'], invalid: 4 });
    expect(extractMarkers({ tenant_id: { id: 'a' } }, paths('$.tenant_id'))).toEqual({ found: true, tenants: [], invalid: 1 });
  });

  it('checks each item of $.items[*] on its own with a path relative to the item', () => {
    const page = { items: [{ id: 1, tenant_id: 'a' }, { id: 2, tenant_id: 'b' }, { id: 3 }] };
    const items = evaluateJsonPath(page, compileJsonPath('$.items[*]'));
    expect(items.map((item) => extractMarkers(item, paths('$.tenant_id')))).toEqual([
      { found: true, tenants: ['a'], invalid: 0 },
      { found: true, tenants: ['b'], invalid: 0 },
      { found: false, tenants: [], invalid: 0 },
    ]);
  });

  it('is not fooled by __proto__ or inherited members', () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"tenant_id": "evil"}}');
    expect(extractMarkers(parsed, paths('$.tenant_id')).found).toBe(false);
    expect(extractMarkers(parsed, paths('$.__proto__.tenant_id')).tenants).toEqual(['evil']);
    expect(extractMarkers({}, paths('$.constructor', '$.toString')).found).toBe(false);
  });

  it('reads null-prototype objects from decoders', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { tenant_id: 5 });
    expect(extractMarkers(value, paths('$.tenant_id')).tenants).toEqual(['5']);
  });
});
