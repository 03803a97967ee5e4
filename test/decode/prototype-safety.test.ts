import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../src/decode/decode-value.js';
import { options, utf8 } from './helpers/fixtures.js';

const str = (text: string) => [0xa0 | text.length, ...utf8(text)];

/** The decoded value, or a failed test. */
function decoded(bytes: Uint8Array): Record<string, unknown> {
  const result = decodeValue(bytes, options());
  if (!result.ok) throw new Error(`expected a decoded value, got ${result.detail}`);
  return result.value as Record<string, unknown>;
}

/** A "__proto__" key must neither hide a marker (vanish) nor inject one (become the prototype). */
function expectOwnProtoKey(value: Record<string, unknown>, inner: unknown, tenant: string | undefined): void {
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual(inner);
  expect(Object.keys(value)).toContain('__proto__');
  expect(Object.getOwnPropertyDescriptor(value, 'tenant_id')?.value).toBe(tenant);
  expect(({} as Record<string, unknown>).tenant_id).toBeUndefined(); // nothing leaked into Object.prototype
}

describe('prototype safety', () => {
  it('keeps a JSON "__proto__" key as an own property', () => {
    const value = decoded(utf8('{"__proto__":{"tenant_id":"t-b"},"tenant_id":"t-a"}'));
    expectOwnProtoKey(value, { tenant_id: 't-b' }, 't-a');
    expect(value.tenant_id).toBe('t-a');
  });

  it('does not let a JSON "__proto__" key supply an inherited marker', () => {
    const value = decoded(utf8('{"__proto__":{"tenant_id":"t-b"}}'));
    expectOwnProtoKey(value, { tenant_id: 't-b' }, undefined);
    expect(value.tenant_id).toBeUndefined();
  });

  it('keeps a msgpack "__proto__" key as an own property', () => {
    const bytes = Uint8Array.from([0x82, ...str('__proto__'), 0x81, ...str('tenant_id'), ...str('t-b'), ...str('tenant_id'), ...str('t-a')]);
    const value = decoded(bytes);
    expectOwnProtoKey(value, { tenant_id: 't-b' }, 't-a');
    expect(value.tenant_id).toBe('t-a');
  });

  it('does not let a msgpack "__proto__" key supply an inherited marker, at any depth', () => {
    const bytes = Uint8Array.from([0x81, ...str('item'), 0x81, ...str('__proto__'), 0x81, ...str('tenant_id'), ...str('t-b')]);
    const item = decoded(bytes).item as Record<string, unknown>;
    expectOwnProtoKey(item, { tenant_id: 't-b' }, undefined);
    expect(item.tenant_id).toBeUndefined();
  });

  it('keeps a "__proto__" key given as msgpack binary as an own property', () => {
    const bytes = Uint8Array.from([0x81, 0xc4, 9, ...utf8('__proto__'), 0x81, ...str('tenant_id'), ...str('t-b')]);
    expectOwnProtoKey(decoded(bytes), { tenant_id: 't-b' }, undefined);
  });

  it('keeps "__proto__" keys inside a Keyv envelope as own properties', () => {
    const value = decoded(utf8('{"value":{"__proto__":{"tenant_id":":t-b"},"tenant_id":"t-a"},"expires":null}'));
    expectOwnProtoKey(value, { tenant_id: 't-b' }, 't-a');
  });

  it('keeps a "__proto__" key that holds a string revived by Keyv', () => {
    const value = decoded(utf8('{"value":{"__proto__":"::x"},"expires":null}'));
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe(':x');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe('prototype safety after decompression', () => {
  it('keeps a "__proto__" key of an S2-compressed go-redis/cache value as an own property', () => {
    const body = [0x82, ...str('__proto__'), 0x81, ...str('tenant_id'), ...str('globex'), ...str('tenant_id'), ...str('acme')];
    // The S2 block: the decoded length, then one literal element holding the whole body.
    const stored = Uint8Array.from([body.length, (body.length - 1) << 2, ...body, 0x01]);
    const value = decoded(stored);
    expectOwnProtoKey(value, { tenant_id: 'globex' }, 'acme');
  });
});
