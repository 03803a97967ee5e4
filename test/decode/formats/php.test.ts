import { describe, expect, it } from 'vitest';
import { phpFormat } from '../../../src/decode/formats/php.js';
import { MAX_PHP_REFERENCES } from '../../../src/decode/formats/php/php-reader.js';
import { compileJsonPath, evaluateJsonPath } from '../../../src/markers/json-path.js';
import { decodeFailure, decodePhp, php } from './php-helpers.js';

type Props = Record<string, unknown>;

describe('format: php', () => {
  it('decodes the sample record of cache-formats.md', () => {
    const value = decodePhp('a:3:{s:2:"id";i:1041;s:9:"tenant_id";s:3:"t-a";s:4:"name";s:1:"x";}');
    expect(value).toEqual({ id: 1041, tenant_id: 't-a', name: 'x' });
    expect(Object.getPrototypeOf(value)).toBeNull();
  });

  it('decodes every scalar serialize() writes', () => {
    expect(decodePhp('N;')).toBeNull();
    expect(decodePhp('b:0;')).toBe(false);
    expect(decodePhp('b:1;')).toBe(true);
    expect(decodePhp('i:-42;')).toBe(-42);
    expect(decodePhp('i:+7;')).toBe(7);
    expect(decodePhp('d:0.1;')).toBe(0.1);
    expect(decodePhp('d:1.0E+25;')).toBe(1e25);
    expect(decodePhp('d:-INF;')).toBe(-Infinity);
    expect(decodePhp('d:NAN;')).toBeNaN();
    expect(decodePhp('s:0:"";')).toBe('');
    expect(decodePhp('E:23:"App\\Enums\\Status:Active";')).toBe('App\\Enums\\Status:Active');
  });

  it('keeps 64-bit integers exact: bigints beyond 2^53, undecodable beyond PHP_INT_MAX', () => {
    expect(decodePhp('i:9223372036854775807;')).toBe(9223372036854775807n);
    expect(decodePhp('i:-9223372036854775808;')).toBe(-9223372036854775808n);
    expect(decodePhp('i:000000000000000000001041;')).toBe(1041);
    expect(decodeFailure('i:9223372036854775808;').message).toBe('PHP integer out of range');
  });

  it('counts string lengths in bytes, not characters', () => {
    expect(decodePhp('a:1:{s:4:"name";s:7:"Zürich";}')).toEqual({ name: 'Zürich' }); // ü is 2 bytes
    expect(decodeFailure('s:6:"Zürich";').message).toBe('invalid PHP serialize syntax');
  });

  it('returns bytes that are not UTF-8 as a Uint8Array, never as a look-alike string', () => {
    // Key "k\xe9y" (latin1 é, invalid UTF-8) and value bytes ff 41.
    const bytes = Buffer.from('a:2:{s:3:"k\xe9y";s:2:"\xffA";s:1:"t";s:1:"a";}', 'latin1');
    const value = decodePhp(bytes) as Props;
    expect(Object.keys(value)).toEqual(['k\u00e9y', 't']);
    expect(value['k\u00e9y']).toEqual(Uint8Array.from([0xff, 0x41]));
  });

  it('decodes 0..n-1 keyed arrays as lists and any other array as a map with string keys', () => {
    expect(decodePhp('a:2:{i:0;s:1:"a";i:1;s:1:"b";}')).toEqual(['a', 'b']);
    expect(decodePhp('a:2:{s:1:"0";s:1:"a";s:1:"1";s:1:"b";}')).toEqual(['a', 'b']); // PHP keys "0" as 0
    expect(decodePhp('a:1:{i:1;s:1:"a";}')).toEqual({ 1: 'a' });
    expect(decodePhp('a:3:{i:0;s:1:"a";i:1;s:1:"b";s:9:"tenant_id";i:7;}')).toEqual({ 0: 'a', 1: 'b', tenant_id: 7 });
    expect(decodePhp('a:0:{}')).toEqual([]);
  });

  it('lets a repeated key overwrite the earlier one, as unserialize() does', () => {
    expect(decodePhp('a:2:{s:9:"tenant_id";s:4:"acme";s:9:"tenant_id";s:6:"globex";}')).toEqual({ tenant_id: 'globex' });
  });

  it('keeps a "__proto__" key an own member, where a marker path finds it', () => {
    for (const head of ['a:2:{', 'O:8:"stdClass":2:{']) {
      const value = decodePhp(`${head}s:9:"__proto__";a:1:{s:9:"tenant_id";s:6:"globex";}s:2:"id";i:1;}`) as Props;
      expect(Object.keys(value)).toEqual(['__proto__', 'id']);
      expect(Object.getPrototypeOf(value)).toBeNull();
      expect(evaluateJsonPath(value, compileJsonPath("$['__proto__'].tenant_id"))).toEqual(['globex']);
    }
    const hidden = decodePhp('O:1:"M":1:{s:12:"~*~__proto__";a:1:{s:9:"tenant_id";s:6:"globex";}}') as Props;
    expect(Object.getOwnPropertyNames(hidden)).toEqual(['__proto__']);
    expect(({} as Props).tenant_id).toBeUndefined();
  });

  it('gives a public property the plain name when a parent private one shares it (PHP writes the private first)', () => {
    // PHP 8.2: class A { private $x = 1; } class B extends A { public $x = 2; protected $y = 3; }
    const value = decodePhp('O:1:"B":3:{s:4:"~A~x";i:1;s:1:"x";i:2;s:4:"~*~y";i:3;}') as Props;
    expect(value).toEqual({ x: 2, '\0A\0x': 1, y: 3 });
    expect(decodePhp('O:1:"B":2:{s:1:"x";i:2;s:4:"~A~x";i:1;}')).toEqual({ x: 2, '\0A\0x': 1 });
  });

  it('lets a repeated property overwrite the earlier one, as unserialize() does, so the marker PHP sees is the one found', () => {
    const twice = 'O:1:"M":2:{s:13:"~*~attributes";a:1:{s:9:"tenant_id";s:4:"acme";}s:13:"~*~attributes";a:1:{s:9:"tenant_id";s:6:"globex";}}';
    expect(evaluateJsonPath(decodePhp(twice), compileJsonPath('$.attributes.tenant_id'))).toEqual(['globex']);
  });

  it('resolves r: and R: by PHP var numbering (bytes from PHP 8.2)', () => {
    // $o = new stdClass; $o->tenant_id = 'acme'; $s = 'x'; serialize([$o, $o, &$s, &$s])
    const value = decodePhp('a:4:{i:0;O:8:"stdClass":1:{s:9:"tenant_id";s:4:"acme";}i:1;r:2;i:2;s:1:"x";i:3;R:5;}') as unknown[];
    expect(value[1]).toBe(value[0]);
    expect(value[3]).toBe('x');
  });

  it('keeps a cycle through an object as the same object (a parent pointer)', () => {
    // PHP 8.2: $p = new Node; $c = new Node; $c->parent = $p; $p->children[] = $c; serialize($p)
    const bytes = 'O:4:"Node":3:{s:6:"parent";N;s:8:"children";a:1:{i:0;O:4:"Node":3:{s:6:"parent";r:1;s:8:"children";a:0:{}s:9:"tenant_id";s:4:"acme";}}s:9:"tenant_id";s:4:"acme";}';
    const parent = decodePhp(bytes) as { children: Props[] };
    expect(parent.children[0]?.parent).toBe(parent);
  });

  it('refuses references it cannot honour: out of range, into an array being read, too many', () => {
    expect(decodeFailure('a:1:{i:0;r:9;}').message).toBe('PHP back-reference out of range');
    expect(decodeFailure('a:1:{i:0;r:0;}').message).toBe('PHP back-reference out of range');
    expect(decodeFailure('a:1:{i:0;a:1:{i:0;R:2;}}').message).toBe('cyclic PHP array reference is not supported');
    const refs = (count: number) => `a:${count + 1}:{i:0;O:8:"stdClass":0:{}${Array.from({ length: count }, (_, i) => `i:${i + 1};r:2;`).join('')}}`;
    expect((decodePhp(refs(MAX_PHP_REFERENCES), { maxBytes: 8 * 1024 * 1024 }) as unknown[]).length).toBe(MAX_PHP_REFERENCES + 1);
    const many = refs(MAX_PHP_REFERENCES + 1);
    expect(decodeFailure(many, { maxBytes: 8 * 1024 * 1024 }).message).toBe(`more than ${MAX_PHP_REFERENCES} PHP back-references`);
  });

  it('rejects counts and lengths larger than the bytes left, before allocating', () => {
    expect(decodeFailure('a:2147483647:{i:0;N;}').message).toBe('PHP array longer than the value');
    expect(decodeFailure('O:8:"stdClass":999999:{}').message).toBe('PHP array longer than the value');
    expect(decodeFailure('O:2147483647:"A":0:{}').message).toBe('PHP string longer than the value');
    expect(decodeFailure('s:99999999999999999999:"";').message).toBe('PHP length out of range');
  });

  it('accepts nesting up to maxDepth and refuses one level more', () => {
    const nested = (depth: number) => 'a:1:{i:0;'.repeat(depth - 1) + 'a:0:{}' + '}'.repeat(depth - 1);
    expect(decodePhp(nested(8), { maxDepth: 8 })).toBeInstanceOf(Array);
    expect(decodeFailure(nested(9), { maxDepth: 8 }).message).toBe('PHP nesting deeper than 8');
    // Iterative: a depth far beyond the JS stack is only a matter of maxDepth.
    const big = { maxDepth: 1_000_000, maxBytes: 4 * 1024 * 1024 };
    expect(decodePhp(nested(100_000), big)).toBeInstanceOf(Array);
    expect(decodeFailure('a:1:{i:0;'.repeat(100_000), big).message).toBe('PHP array longer than the value');
  });

  it('refuses trailing bytes, truncation and unsupported types, with fixed reasons', () => {
    expect(decodeFailure('i:42;i:43;').message).toBe('trailing bytes after the PHP value');
    expect(decodeFailure('a:1:{s:1:"a";i:1;').message).toBe('truncated PHP value');
    expect(decodeFailure('a:1:{s:1:"a";i:1;}}').message).toBe('trailing bytes after the PHP value');
    expect(decodeFailure('a:1:{d:1.5;i:1;}').message).toBe('invalid PHP array key');
    expect(decodeFailure('S:1:"\\61";').message).toBe('PHP escaped strings (S:) are not supported');
    expect(decodeFailure('d:1.5.5;').message).toBe('invalid PHP float');
    expect(decodeFailure('E:6:"Active";').message).toBe('invalid PHP enum');
    expect(decodeFailure('').message).toBe('truncated PHP value');
    expect(decodeFailure('hello').message).toBe('invalid PHP serialize syntax');
  });

  it('reads raw numerics as PHP prints numbers, and keeps other numeric strings as Laravel returns them', () => {
    expect(decodePhp('42')).toBe(42);
    expect(decodePhp('-7')).toBe(-7);
    expect(decodePhp('1.5')).toBe(1.5);
    expect(decodePhp('1.0E+25')).toBe(1e25);
    expect(decodePhp('9007199254740993')).toBe(9007199254740993n);
    expect(decodePhp('007')).toBe('007');
    expect(decodePhp(' 5')).toBe(' 5');
    expect(decodePhp('1'.repeat(30))).toBe('1'.repeat(30));
    expect(decodeFailure('42abc').message).toBe('invalid PHP serialize syntax');
  });

  it('refuses a value larger than maxBytes as oversized', () => {
    expect(decodeFailure('s:10:"0123456789";', { maxBytes: 8 })).toMatchObject({ reason: 'oversized' });
  });

  it('sniffs the head of each serialize() type and nothing JSON, msgpack or text starts with', () => {
    for (const head of ['N;', 'b:0;', 'b:1;', 'i:4', 'i:-4', 'd:1', 'd:-I', 'd:N', 's:3:"', 'a:0:{', 'a:12:{', 'O:8:"', 'C:11:"', 'E:13:"']) {
      expect(phpFormat.sniff(php(head)), head).toBe(true);
    }
    for (const head of ['', 'N', 'n;', 'b:2;', 'i:x', 's:3:x', 'a:{', 'a:3:"', 'O:x', 'r:1;', 'R:1;', '42', '{"a":1}', '[1]', 'null', 'hello: world', 'a:b']) {
      expect(phpFormat.sniff(php(head)), head).toBe(false);
    }
    expect(phpFormat.sniff(Uint8Array.of(0x83, 0xa2, 0x69, 0x64))).toBe(false);
  });
});
