import { describe, expect, it } from 'vitest';
import { JsonPathLimitError } from '../../src/markers/json-path-limit-error.js';
import { JsonPathSyntaxError } from '../../src/markers/json-path-syntax-error.js';
import { compileJsonPath, evaluateJsonPath } from '../../src/markers/json-path.js';

const select = (value: unknown, path: string): unknown[] => evaluateJsonPath(value, compileJsonPath(path));

function syntaxError(path: string): JsonPathSyntaxError {
  try {
    compileJsonPath(path);
  } catch (err) {
    if (err instanceof JsonPathSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(path)} to be refused`);
}

describe('compileJsonPath', () => {
  it('compiles dotted names, quoted names, indexes and wildcards', () => {
    expect(compileJsonPath('$')).toEqual([]);
    expect(compileJsonPath(`$.a["b c"]['@attributes'][0][-1][*].*`)).toEqual([
      { kind: 'name', name: 'a' },
      { kind: 'name', name: 'b c' },
      { kind: 'name', name: '@attributes' },
      { kind: 'index', index: 0 },
      { kind: 'index', index: -1 },
      { kind: 'wildcard' },
      { kind: 'wildcard' },
    ]);
  });

  it('reads escapes in quoted names and space inside brackets', () => {
    expect(compileJsonPath(`$[ 'it\\'s' ]["a\\"b"]['\\u0040x']`)).toEqual([
      { kind: 'name', name: "it's" },
      { kind: 'name', name: 'a"b' },
      { kind: 'name', name: '@x' },
    ]);
  });

  it('accepts surrounding whitespace left by YAML', () => {
    expect(compileJsonPath('  $.tenant_id ')).toEqual([{ kind: 'name', name: 'tenant_id' }]);
  });

  it('refuses paths outside the subset with a clear reason and position', () => {
    expect(syntaxError('tenant_id').message).toBe(`a JSONPath must start with '$' at offset 0 of JSONPath "tenant_id"`);
    expect(syntaxError('$..tenant_id').reason).toBe("recursive descent '..' is not supported");
    expect(syntaxError('$.items[?(@.x)]').reason).toBe('filter expressions are not supported');
    expect(syntaxError('$.items[0:2]').reason).toBe('slices are not supported');
    expect(syntaxError("$['a','b']").reason).toBe('unions are not supported');
    expect(syntaxError('$.@attributes').reason).toMatch(/write \['name'\]/);
    expect(syntaxError('$.a[0').reason).toBe("expected ']'");
    expect(syntaxError("$['a").reason).toBe('unterminated quoted name');
    expect(syntaxError("$['\\x']").reason).toMatch(/unknown escape/);
    expect(syntaxError('$.a b').offset).toBe(3);
    expect(syntaxError('$.').code).toBe('CONFIG');
  });
});

describe('evaluateJsonPath', () => {
  const payload = {
    tenant_id: 't1',
    '@attributes': { tenant_id: 't2', 'first name': 'Ada' },
    items: [{ id: 1 }, { id: 2 }, { other: 3 }],
  };

  it('selects nested names, indexes from either end and wildcards', () => {
    expect(select(payload, '$.tenant_id')).toEqual(['t1']);
    expect(select(payload, "$['@attributes'].tenant_id")).toEqual(['t2']);
    expect(select(payload, "$['@attributes']['first name']")).toEqual(['Ada']);
    expect(select(payload, '$.items[*].id')).toEqual([1, 2]);
    expect(select(payload, '$.items[-1].other')).toEqual([3]);
    expect(select(payload, '$.items[3]')).toEqual([]);
    expect(select(payload, '$.*').length).toBe(3);
    expect(select(payload, '$')).toEqual([payload]);
  });

  it('gives object values for [*] too, as in common JSONPath', () => {
    expect(select({ a: 1, b: 2 }, '$[*]')).toEqual([1, 2]);
  });

  it('never matches names on arrays or strings, so .length is not a marker', () => {
    expect(select({ items: [1, 2] }, '$.items.length')).toEqual([]);
    expect(select({ t: 'abc' }, '$.t.length')).toEqual([]);
    expect(select({ a: 'x' }, '$.a[0]')).toEqual([]);
  });

  it('treats an own __proto__ property as an ordinary member', () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"tenant_id": "evil"}, "x": 1}');
    expect(select(parsed, '$.__proto__.tenant_id')).toEqual(['evil']);
    expect(select(parsed, "$['__proto__']").length).toBe(1);
  });

  it('never matches inherited members of plain objects', () => {
    expect(select({}, '$.constructor')).toEqual([]);
    expect(select({}, '$.__proto__')).toEqual([]);
    expect(select({}, '$.toString')).toEqual([]);
    const child: Record<string, unknown> = Object.create({ tenant_id: 'inherited' }) as Record<string, unknown>;
    expect(select(child, '$.tenant_id')).toEqual([]);
  });

  it('reads null-prototype objects and Maps from other languages', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { tenant_id: 'nul' });
    expect(select(bare, '$.tenant_id')).toEqual(['nul']);
    const ruby = new Map<unknown, unknown>([
      ['@attributes', new Map([['tenant_id', 42]])],
      [7, 'non-string key'],
    ]);
    expect(select(ruby, "$['@attributes'].tenant_id")).toEqual([42]);
    expect(select(ruby, '$.*').length).toBe(1);
    expect(select(new Map([['constructor', 'own']]), '$.constructor')).toEqual(['own']);
  });

  it('runs no getters and does not look inside class instances', () => {
    let calls = 0;
    const sneaky = Object.defineProperty({}, 'tenant_id', { enumerable: true, get: () => ++calls });
    expect(select(sneaky, '$.tenant_id')).toEqual([]);
    expect(select(sneaky, '$.*')).toEqual([]);
    expect(calls).toBe(0);
    expect(select({ at: new Date(0) }, '$.at.*')).toEqual([]);
    expect(select({ b: Buffer.from('ab') }, '$.b[0]')).toEqual([]);
  });

  it('walks a huge array in one step', () => {
    const items = Array.from({ length: 200_000 }, (_, i) => ({ tenant_id: i % 3 }));
    expect(select({ items }, '$.items[*].tenant_id')).toHaveLength(200_000);
  });

  it('refuses to collect more values than its limit from shared sub-objects', () => {
    const row = Array.from({ length: 1_000 }, () => 'x');
    const square = Array.from({ length: 1_000 }, () => row);
    expect(() => evaluateJsonPath(square, compileJsonPath('$[*][*]'), 10_000)).toThrow(JsonPathLimitError);
    expect(evaluateJsonPath(square, compileJsonPath('$[*][0]'), 10_000)).toHaveLength(1_000);
  });
});
