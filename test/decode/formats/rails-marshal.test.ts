import { describe, expect, it } from 'vitest';
import { extractMarkers } from '../../../src/markers/extract-markers.js';
import { compileJsonPath } from '../../../src/markers/json-path.js';
import { decodeRails, expectUndecodable, header71, long, m, marshal } from './rails-helpers.js';

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

/** A :message_pack payload inside a 7.1 header: the CC 80 signature, then `body`. */
const msgpack71 = (...body: number[]) => header71(0x01, [0xcc, 0x80, ...body]);
const fixstr = (text: string) => [0xa0 | text.length, ...Buffer.from(text)];

describe('format: rails — Ruby Marshal as data', () => {
  it('reads scalars: nil, true, false, fixnums of every width, bignums and floats', () => {
    const values = [m.nil, [0x54], [0x46], m.int(0), m.int(-1), m.int(122), m.int(-123), m.int(300), m.int(-300), m.int(2 ** 30), m.int(-(2 ** 31))];
    const bignum = [0x6c, 0x2b, ...long(4), 0, 0, 0, 0, 0, 0, 0, 0x80]; // 2^63, as Ruby dumps it
    const float = [0x66, ...long(3), ...Buffer.from('1.5')];
    const inf = [0x66, ...long(4), ...Buffer.from('-inf')];
    const decoded = decodeRails(marshal(m.array(...values, bignum, float, inf)));
    expect(decoded).toEqual([null, true, false, 0, -1, 122, -123, 300, -300, 2 ** 30, -(2 ** 31), 2n ** 63n, 1.5, -Infinity]);
  });

  it('reads strings in every encoding Ruby tags, and symbols through symlinks', () => {
    const utf8 = [0x49, ...m.str('caf\u00c3\u00a9'), ...long(1), ...m.sym('E'), 0x54];
    const sjis = [0x49, ...m.str('\u0082\u00a0'), ...long(1), ...m.sym('encoding'), ...m.str('Shift_JIS')];
    const decoded = decodeRails(marshal(m.array(utf8, m.str('\u00ff'), sjis, m.sym('tenant_id'), [0x3b, ...long(0)], [0x3b, ...long(2)])));
    // Symbol table: 0 E, 1 encoding (both from the ivars), 2 tenant_id.
    expect(decoded).toEqual(['café', '\u00ff', 'あ', 'tenant_id', 'E', 'tenant_id']);
  });

  it('keeps a "__proto__" hash key as an own property, so it can neither hide nor inject a marker', () => {
    const value = decodeRails(marshal(m.hash([m.str('__proto__'), m.hash([m.str('tenant_id'), m.str('globex')])], [m.str('tenant_id'), m.str('acme')])));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__', 'tenant_id']);
    expect(extractMarkers(value, [compileJsonPath("$['__proto__'].tenant_id")]).tenants).toEqual(['globex']);
    expect(({} as Record<string, unknown>).tenant_id).toBeUndefined();
  });

  it('turns non-string hash keys into strings, and drops a hash default', () => {
    const withDefault = [0x7d, ...long(3), ...m.int(7), ...m.str('int'), ...m.nil, ...m.str('nil'), ...m.array(), ...m.str('array'), ...m.str('default')];
    expect(plain(decodeRails(marshal(withDefault)))).toEqual({ 7: 'int', null: 'nil', '[array]': 'array' });
  });

  it('reads objects as ivar maps keeping the @, structs as member maps, and wrappers as what they wrap', () => {
    const object = m.object('Project', ['@tenant_id', m.str('acme')]);
    const struct = [0x53, ...m.sym('Point'), ...long(1), ...m.sym('x'), ...m.int(1)];
    const extended = [0x65, ...m.sym('Mod'), ...m.array(m.int(1))];
    const userClass = [0x43, ...m.sym('ActiveSupport::HashWithIndifferentAccess'), ...m.hash([m.str('tenant_id'), m.str('acme')])];
    const classRef = [0x63, ...long(6), ...Buffer.from('Object')];
    const regexp = [0x2f, ...long(3), ...Buffer.from('a.b'), 0];
    const decoded = decodeRails(marshal(m.array(object, struct, extended, userClass, classRef, regexp)));
    expect(plain(decoded)).toEqual([{ '@tenant_id': 'acme' }, { x: 1 }, [1], { tenant_id: 'acme' }, 'Object', 'a.b']);
  });

  it('reads user types as their data without calling _load or marshal_load', () => {
    // Marshal.dump(Time.utc(2024, 1, 1, 0, 0, 0, 123456)) from Ruby 3.1, zone ivar included.
    const time = [...Buffer.from('4975 3a09 5469 6d65 0d20 001f c040 e201 0006 3a09 7a6f 6e65 4922 0855 5443 063a 0645 46'.replaceAll(' ', ''), 'hex')];
    const decimal = [0x75, ...m.sym('BigDecimal'), ...long(9), ...Buffer.from('18:0.15e1')];
    const userMarshal = [0x55, ...m.sym('Money'), ...m.array(m.int(100), m.str('EUR'))];
    const decoded = decodeRails(marshal(m.array(time, decimal, userMarshal)));
    expect(decoded).toEqual(['2024-01-01T00:00:00.123Z', '0.15e1', [100, 'EUR']]);
  });

  it('follows object links in marshal.c registration order', () => {
    // Slots: 0 the array, 1 "a", 2 the hash, 3 "b"; symbols are not objects.
    const value = decodeRails(marshal(m.array(m.str('a'), m.hash([m.sym('k'), m.str('b')]), m.link(1), m.link(2), m.link(3)))) as unknown[];
    expect(value[2]).toBe('a');
    expect(value[3]).toBe(value[1]);
    expect(value[4]).toBe('b');
  });

  it('rebuilds Rails 5–6.0 LazyAttributeHash and 5.0 ActiveRecord::AttributeSet into name → value', () => {
    const fromDb = (value: number[]) => m.object('ActiveModel::Attribute::FromDatabase', ['@name', m.str('x')], ['@value_before_type_cast', value]);
    const lazyHash = [0x55, ...m.sym('ActiveModel::LazyAttributeHash'), ...m.array(m.hash(), m.hash([m.str('tenant_id'), m.str('acme')], [m.str('id'), m.int(1)]), m.hash(), m.hash(), m.hash([m.str('tenant_id'), fromDb(m.str('globex'))]))];
    const record = m.object('Project', ['@attributes', m.object('ActiveRecord::AttributeSet', ['@attributes', lazyHash])]);
    expect(plain(decodeRails(marshal(record)))).toEqual({ '@attributes': { tenant_id: 'globex', id: 1 } });
  });
});

describe('format: rails — hostile Marshal streams', () => {
  it('refuses a string declaring 2 GB, and an array declaring a billion elements, before allocating', () => {
    expectUndecodable(marshal([0x22, 0x04, 0xff, 0xff, 0xff, 0x7f]), /length exceeds the data/);
    expectUndecodable(marshal([0x5b, 0x04, 0x00, 0xca, 0x9a, 0x3b]), /length exceeds the data/);
    expectUndecodable(marshal([0x7b, 0xfc, 0x00, 0x00, 0x00, 0x80]), /negative Marshal length/);
    expectUndecodable(marshal([0x6c, 0x2b, 0x04, 0xff, 0xff, 0xff, 0x00]), /bignum too large/);
  });

  it('refuses links and symlinks to nothing, unknown types, truncation and trailing bytes', () => {
    expectUndecodable(marshal(m.array(m.link(5))), /dangling Marshal object link/);
    expectUndecodable(marshal([0x3b, ...long(0)]), /dangling Marshal symbol link/);
    expectUndecodable(marshal([0x5a]), /unknown Marshal type/);
    expectUndecodable(marshal(m.int(300)).subarray(0, 4), /truncated Marshal data/);
    expectUndecodable(marshal(m.nil, m.nil), /trailing bytes/);
    expectUndecodable(Uint8Array.from([0x04, 0x08, 0x6f, 0x69, 0x00, 0x00]), /expected a Marshal symbol/);
  });

  it('refuses nesting past maxDepth, and stacks of wrappers, without exhausting the stack', () => {
    const deep = marshal(...Array<number[]>(300).fill([0x5b, 0x06]), m.nil);
    expectUndecodable(deep, /nesting deeper than 256/);
    expect(decodeRails(deep, { maxDepth: 400 })).toBeInstanceOf(Array);
    expectUndecodable(marshal(...Array<number[]>(50_000).fill([0x49]), m.nil), /nesting deeper than/);
    const extendedChain = marshal(...Array<number[]>(50_000).fill([0x65, 0x3a, 0x06, 0x4d]), m.nil);
    expectUndecodable(extendedChain, /nesting deeper than/, { maxDepth: 100_000 });
    // At the absolute cap (500 nested reads) the stack still holds, through the deepest paths.
    const arrays = (n: number) => marshal(...Array<number[]>(n).fill([0x5b, 0x06]), m.nil);
    expect(decodeRails(arrays(490), { maxDepth: 100_000 })).toBeInstanceOf(Array);
    expectUndecodable(arrays(600), /nesting deeper than 500/, { maxDepth: 100_000 });
    const ivarStrings = (n: number) => marshal([0x49, 0x22, 0x00, 0x06, ...m.sym('a')], ...Array<number[]>(n).fill([0x49, 0x22, 0x00, 0x06, 0x3b, 0x00]), m.nil);
    expect(decodeRails(ivarStrings(490), { maxDepth: 100_000 })).toBe('');
    expectUndecodable(ivarStrings(600), /nesting deeper than 500/, { maxDepth: 100_000 });
    const objects = (n: number) => marshal(...Array<number[]>(n).fill([0x6f, 0x3a, 0x06, 0x41, 0x06, 0x3a, 0x06, 0x62]), m.nil);
    expectUndecodable(objects(600), /nesting deeper than 500/, { maxDepth: 100_000 });
    const ivarSymbols = marshal(...Array<number[]>(20_000).fill([0x49, 0x3a, 0x06, 0x61, 0x06]), m.nil);
    expectUndecodable(ivarSymbols, /nesting deeper than/);
    expectUndecodable(ivarSymbols, /nesting deeper than 500/, { maxDepth: 100_000 });
  });

  it('decodes a flood of 300k links to one object in linear time, each the same object', () => {
    const count = 300_000;
    const links = new Uint8Array(count * 2).fill(0x06);
    for (let i = 0; i < count; i++) links[i * 2] = 0x40; // @ 1: the hash below
    const head = marshal([0x5b, ...long(count + 1)], m.hash([m.str('tenant_id'), m.str('acme')]));
    const bytes = Buffer.concat([head, links]);
    const started = Date.now();
    const value = decodeRails(bytes) as unknown[];
    expect(Date.now() - started).toBeLessThan(2000);
    expect(value).toHaveLength(count + 1);
    expect(value[count]).toBe(value[0]);
  });

  it('marks its failures as rails and conclusive, so auto reports the Rails reason', () => {
    const error = expectUndecodable(marshal([0x5a]));
    expect(error.format).toBe('rails');
    expect(error.conclusive).toBe(true);
  });

  it('keeps a flood of attribute sets sharing one big hash within the work budget', () => {
    const names = Array.from({ length: 2000 }, (_, i) => [m.str(`c${i}`), m.int(i)] as [number[], number[]]);
    const set = (body: number[]) => m.object('ActiveModel::AttributeSet', ['@attributes', body]);
    const sets = Array.from({ length: 5000 }, () => set(m.link(1)));
    const started = Date.now();
    expectUndecodable(marshal(m.array(set(m.hash(...names)), ...sets)), /work budget/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('format: rails — :message_pack', () => {
  it('reads symbols, Set, Range, Date, BigDecimal and bignums as plain data', () => {
    const symbol = (name: string) => [0xc7, name.length, 0x00, ...Buffer.from(name)];
    const set = [0xc7, 3, 12, 0x92, 0x01, 0x02];
    const range = [0xc7, 3, 11, 0x01, 0x05, 0xc2];
    const date = [0xc7, 5, 6, 0xce, 0x00, 0x25, 0x8a, 0x8d]; // jd 2460301 = 2023-12-22
    const decimal = [0xc7, 7, 2, ...Buffer.from('9:0.1e1')];
    const bignum = [0xc7, 9, 1, 0x01, 0, 0, 0, 0, 0, 0, 0, 1]; // -(2^32)
    const map = [0x86, ...symbol('tenant_id'), ...fixstr('acme'), ...fixstr('set'), ...set, ...fixstr('range'), ...range, ...fixstr('date'), ...date, ...fixstr('d'), ...decimal, ...fixstr('b'), ...bignum];
    expect(plain(decodeRails(msgpack71(...map)))).toEqual({ tenant_id: 'acme', set: [1, 2], range: [1, 5], date: '2023-12-22', d: '0.1e1', b: -(2 ** 32) });
  });

  it('refuses a payload without the signature, with trailing bytes, or with an unknown extension', () => {
    expectUndecodable(header71(0x01, [0xcc, 0x80, 0xc0, 0xc0]), /trailing bytes after the MessagePack value/);
    expectUndecodable(msgpack71(0xd4, 0x63, 0x00), /unsupported MessagePack extension type/);
    expectUndecodable(msgpack71(0xc1), /invalid MessagePack byte/);
    expectUndecodable(msgpack71(0xdd, 0x7f, 0xff, 0xff, 0xff), /length exceeds the data/);
    expectUndecodable(msgpack71(0xd4, 0x11, 0x01), /HashWithIndifferentAccess/);
  });

  it('refuses extensions nested past maxDepth', () => {
    // A Set (ext 12) holding a Set holding a Set…
    let payload = [0xc0];
    for (let i = 0; i < 40; i++) payload = payload.length < 256 ? [0xc7, payload.length, 12, ...payload] : [0xc8, payload.length >> 8, payload.length & 0xff, 12, ...payload];
    expectUndecodable(msgpack71(...payload), /MessagePack nesting deeper than 32/, { maxDepth: 32 });
    const arrays = (n: number) => msgpack71(...Array<number>(n).fill(0x91), 0xc0);
    expect(decodeRails(arrays(490), { maxDepth: 100_000 })).toBeInstanceOf(Array);
    expectUndecodable(arrays(600), /MessagePack nesting deeper than 500/, { maxDepth: 100_000 });
  });
});
