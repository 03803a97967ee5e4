import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferShape } from '../../src/registry/infer-shape.js';

describe('inferShape', () => {
  it('groups new_resource:123 and new_resource:456 under one shape', () => {
    expect(inferShape('new_resource:123')).toBe('new_resource:{id}');
    expect(inferShape('new_resource:456')).toBe('new_resource:{id}');
  });

  it('replaces UUIDs in any case, with or without braces', () => {
    expect(inferShape('sess/1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe('sess/{uuid}');
    expect(inferShape('sess/1B4E28BA-2FA1-11D2-883F-0016D3CCA427')).toBe('sess/{uuid}');
    expect(inferShape('sess/{1b4e28ba-2fa1-11d2-883f-0016d3cca427}')).toBe('sess/{uuid}');
    // A half-braced UUID is not one; it stays as written.
    expect(inferShape('sess/{1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe('sess/{1b4e28ba-2fa1-11d2-883f-0016d3cca427');
  });

  it('replaces only digit runs that form a whole segment', () => {
    expect(inferShape('user:42:v2')).toBe('user:{id}:v2');
    expect(inferShape('report|2024|q3')).toBe('report|{id}|q3');
    expect(inferShape('ip=10.0.0.1')).toBe('ip={id}.{id}.{id}.{id}');
  });

  it('replaces hex digests of 16 or more characters that hold a digit', () => {
    expect(inferShape('etag:d41d8cd98f00b204e9800998ecf8427e')).toBe('etag:{hash}');
    expect(inferShape('blob@da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe('blob@{hash}');
    expect(inferShape('span:00f067aa0ba902b7')).toBe('span:{hash}');
    expect(inferShape('word:deadbeefcafebabe')).toBe('word:deadbeefcafebabe');
    expect(inferShape('short:abc123')).toBe('short:abc123');
  });

  it('replaces ULIDs', () => {
    expect(inferShape('job#01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('job#{ulid}');
    expect(inferShape('job#01arz3ndektsv4rrffq69g5fav')).toBe('job#{ulid}');
  });

  it('replaces long random-looking tokens but keeps long identifiers', () => {
    expect(inferShape('stripe:sk_live_4eC39HqLyjWDarjtT1zdp7dc')).toBe('stripe:{token}');
    expect(inferShape('csrf;Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5')).toBe('csrf;{token}');
    expect(inferShape('remember=k3j4h5g6f7d8s9a0q1w2')).toBe('remember={token}');
    expect(inferShape('cache:getUserProfileSettingsV2Cache')).toBe('cache:getUserProfileSettingsV2Cache');
    expect(inferShape('cache:order_2024_q3_summary_v2')).toBe('cache:order_2024_q3_summary_v2');
    expect(inferShape('cache:tenant_settings_by_region_eu1')).toBe('cache:tenant_settings_by_region_eu1');
  });

  it('keeps every delimiter and empty segment where it was', () => {
    expect(inferShape('a::b//1,2;3 4@5#6=7|8')).toBe('a::b//{id},{id};{id} {id}@{id}#{id}={id}|{id}');
    expect(inferShape('')).toBe('');
    expect(inferShape(':')).toBe(':');
  });

  it('keeps newlines and emoji without crashing', () => {
    expect(inferShape('line\nbreak:12')).toBe('line\nbreak:{id}');
    expect(inferShape('😀:12:🎉')).toBe('😀:{id}:🎉');
  });

  it('caps the shape of a huge key at 200 characters and an ellipsis', () => {
    const shape = inferShape(`big:${'x'.repeat(1_000_000)}`);
    expect(shape).toBe(`big:${'x'.repeat(196)}…`);
    expect(inferShape('seg:'.repeat(100_000))).toHaveLength(201);
  });

  it('never cuts an emoji in half when capping', () => {
    const shape = inferShape(`${'a'.repeat(199)}😀😀`);
    expect(shape).toBe(`${'a'.repeat(199)}…`);
  });

  it('gives every key some shape no longer than the cap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (key) => {
        const shape = inferShape(key);
        expect(shape.length).toBeLessThanOrEqual(201);
        // Without digits or hyphens no segment can be an id, UUID, digest, ULID or token.
        if (key.length <= 200 && /^[^0-9-]*$/.test(key)) expect(shape).toBe(key);
      }),
    );
  });
});
