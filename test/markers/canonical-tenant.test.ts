import { describe, expect, it } from 'vitest';
import { canonicalTenant } from '../../src/markers/canonical-tenant.js';

describe('canonicalTenant', () => {
  it('writes integers as decimal strings, so 42 equals "42"', () => {
    expect(canonicalTenant(42)).toBe('42');
    expect(canonicalTenant('42')).toBe('42');
    expect(canonicalTenant(-7)).toBe('-7');
    expect(canonicalTenant(-0)).toBe('0');
    expect(canonicalTenant(9007199254740993n)).toBe('9007199254740993');
  });

  it('lower-cases UUIDs and drops their braces', () => {
    const uuid = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
    expect(canonicalTenant(uuid.toUpperCase())).toBe(uuid);
    expect(canonicalTenant(`{${uuid.toUpperCase()}}`)).toBe(uuid);
    expect(canonicalTenant(`{${uuid}`)).toBe(`{${uuid}`);
  });

  it('keeps every other string exactly, digits included', () => {
    expect(canonicalTenant('Acme')).toBe('Acme');
    expect(canonicalTenant('042')).toBe('042');
    expect(canonicalTenant(' 42')).toBe(' 42');
    expect(canonicalTenant('1b4e28ba2fa111d2883f0016d3cca427')).toBe('1b4e28ba2fa111d2883f0016d3cca427');
  });

  it('refuses values that are not scalar tenant ids', () => {
    for (const raw of [null, undefined, true, 1.5, Number.NaN, Infinity, '', {}, [], ['a'], new Map(), Buffer.from('a')]) {
      expect(canonicalTenant(raw), String(raw)).toBeUndefined();
    }
  });

  it('refuses integers beyond 2^53, which JSON.parse has already rounded', () => {
    expect(canonicalTenant(JSON.parse('12345678901234567890'))).toBeUndefined();
    expect(canonicalTenant(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
  });
});
