import { describe, expect, it } from 'vitest';
import { compileRegistry } from '../../src/registry/classify-key.js';
import { PatternSyntaxError } from '../../src/registry/pattern-syntax-error.js';
import type { KeyClass } from '../../src/types.js';
import { makePattern } from './make-pattern.js';

/** The pattern name a key is classified under, or its inferred shape. */
function nameOf(result: KeyClass): string {
  return result.kind === 'registered' ? result.pattern.name : `unregistered ${result.shape}`;
}

const spec = compileRegistry([
  makePattern('project', 'project:{tenant}:{project_id}', 0),
  makePattern('project-legacy', 'project:{project_id}', 1),
  makePattern('project-list', 'projects:{tenant}:page:{page}', 2),
  makePattern('export-heartbeat', 'health:last-export', 3),
  makePattern('dotnet-session', 'sess:{tenant}:{session_id}', 4),
]);

describe('compileRegistry with the SPEC example patterns', () => {
  it('classifies project:1041 under the legacy, unscoped pattern', () => {
    expect(spec.classify('project:1041')).toEqual({
      kind: 'registered',
      pattern: spec.patterns[1],
      values: { project_id: '1041' },
    });
  });

  it('classifies project:a:1041 under the scoped pattern with its tenant', () => {
    expect(spec.classify('project:a:1041')).toEqual({
      kind: 'registered',
      pattern: spec.patterns[0],
      values: { tenant: 'a', project_id: '1041' },
    });
  });

  it('reads every placeholder of a pattern with literals between them', () => {
    const result = spec.classify('projects:7f1c:page:3');
    expect(result).toMatchObject({ kind: 'registered', values: { tenant: '7f1c', page: '3' } });
    expect(nameOf(result)).toBe('project-list');
  });

  it('matches a literal-only pattern exactly', () => {
    expect(nameOf(spec.classify('health:last-export'))).toBe('export-heartbeat');
    expect(nameOf(spec.classify('health:last-export:2'))).toBe('unregistered health:last-export:{id}');
  });

  it('leaves keys that almost match unregistered', () => {
    expect(nameOf(spec.classify('project:'))).toBe('unregistered project:');
    expect(nameOf(spec.classify('projects:a:1041'))).toBe('unregistered projects:a:{id}');
    expect(nameOf(spec.classify('projects:a:page:'))).toBe('unregistered projects:a:page:');
    expect(nameOf(spec.classify('projects:a:pages:1'))).toBe('unregistered projects:a:pages:{id}');
    expect(nameOf(spec.classify('Project:a:1041'))).toBe('unregistered Project:a:{id}');
    expect(nameOf(spec.classify('xproject:1041'))).toBe('unregistered xproject:{id}');
  });

  it('lets a final placeholder take delimiters, so project::1041 is a legacy key', () => {
    expect(spec.classify('project::1041')).toMatchObject({
      pattern: { name: 'project-legacy' },
      values: { project_id: ':1041' },
    });
  });

  it('does not let a placeholder swallow the delimiter that ends it', () => {
    // "project:a:b:1041": tenant stops at the first ':', leaving "b:1041" for a placeholder
    // that takes the rest; the legacy pattern stops at end of key only.
    expect(spec.classify('project:a:b:1041')).toMatchObject({
      kind: 'registered',
      pattern: { name: 'project' },
      values: { tenant: 'a', project_id: 'b:1041' },
    });
  });
});

describe('compileRegistry specificity', () => {
  it('prefers more literal characters over fewer', () => {
    const registry = compileRegistry([
      makePattern('generic', '{kind}:{id}', 0),
      makePattern('user', 'user:{id}', 1),
    ]);
    expect(nameOf(registry.classify('user:9'))).toBe('user');
    expect(nameOf(registry.classify('team:9'))).toBe('generic');
  });

  it('prefers fewer placeholders when literal characters tie', () => {
    const registry = compileRegistry([
      makePattern('two-holes', '{x}:{y}', 0),
      makePattern('one-hole', '{x}:', 1),
    ]);
    // Each key fits one of them only: this shows both are live before the tie below.
    expect(nameOf(registry.classify('k:'))).toBe('one-hole');
    expect(nameOf(registry.classify('k:v'))).toBe('two-holes');
    // Two literal characters each ("p" + ":" against ":q"); the later pattern has one hole.
    const tie = compileRegistry([
      makePattern('two', 'p{x}:{y}', 0),
      makePattern('one', '{x}:q', 1),
    ]);
    expect(tie.classify('p1:q')).toMatchObject({ pattern: { name: 'one' }, values: { x: 'p1' } });
  });

  it('prefers the earliest pattern in the file when everything else ties', () => {
    const registry = compileRegistry([
      makePattern('later', 'user:{uid}', 5),
      makePattern('earlier', 'user:{id}', 2),
    ]);
    expect(registry.classify('user:1')).toEqual({
      kind: 'registered',
      pattern: registry.patterns[1],
      values: { id: '1' },
    });
  });
});

describe('compileRegistry placeholders', () => {
  it('lets a final placeholder take the rest of the key, delimiters included', () => {
    const registry = compileRegistry([makePattern('blob', 'blob:{tenant}:{path}', 0)]);
    expect(registry.classify('blob:t1:a/b:c\nd')).toMatchObject({ values: { tenant: 't1', path: 'a/b:c\nd' } });
  });

  it('requires at least one character for every placeholder', () => {
    const registry = compileRegistry([makePattern('p', '{tenant}:x:{id}', 0)]);
    expect(registry.classify(':x:1').kind).toBe('unregistered');
    expect(registry.classify('t:x:').kind).toBe('unregistered');
    expect(registry.classify('t:x:1')).toMatchObject({ values: { tenant: 't', id: '1' } });
  });

  it('works with slashes, pipes and emoji as delimiters', () => {
    const registry = compileRegistry([
      makePattern('rails', 'rails:reports/{tenant}/{id}', 0),
      makePattern('emoji', '{tenant}😀{id}', 1),
    ]);
    expect(registry.classify('rails:reports/acme/77')).toMatchObject({ values: { tenant: 'acme', id: '77' } });
    // 😁 shares 😀's high surrogate; the placeholder must stop only at the whole 😀.
    expect(registry.classify('a😁b😀c')).toMatchObject({ pattern: { name: 'emoji' }, values: { tenant: 'a😁b', id: 'c' } });
  });

  it('treats a placeholder named __proto__ as an ordinary value', () => {
    const registry = compileRegistry([makePattern('odd', 'x:{__proto__}:{constructor}', 0)]);
    const result = registry.classify('x:polluted:c');
    expect(result.kind === 'registered' && Object.hasOwn(result.values, '__proto__')).toBe(true);
    expect(result).toMatchObject({ values: { constructor: 'c' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the failing pattern when a key pattern cannot be parsed', () => {
    const compile = () => compileRegistry([makePattern('ok', 'a:{id}', 0), makePattern('broken', 'b:{id', 1)]);
    expect(compile).toThrow(PatternSyntaxError);
    expect(compile).toThrow(/^patterns\[1\]\.key \(broken\): unclosed '\{' at offset 2 of key pattern "b:\{id"$/);
  });

  it('gives an empty registry that registers nothing', () => {
    expect(compileRegistry([]).classify('anything:1')).toEqual({ kind: 'unregistered', shape: 'anything:{id}' });
  });
});
