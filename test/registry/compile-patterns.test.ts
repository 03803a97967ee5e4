import { describe, expect, it } from 'vitest';
import { parseKeyPattern } from '../../src/registry/compile-patterns.js';
import { PatternSyntaxError } from '../../src/registry/pattern-syntax-error.js';

function syntaxError(key: string): PatternSyntaxError {
  try {
    parseKeyPattern(key);
  } catch (err) {
    if (err instanceof PatternSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(key)} to be refused`);
}

describe('parseKeyPattern', () => {
  it('splits a scoped pattern into literals and placeholders', () => {
    expect(parseKeyPattern('project:{tenant}:{project_id}')).toEqual([
      { kind: 'literal', text: 'project:' },
      { kind: 'placeholder', name: 'tenant' },
      { kind: 'literal', text: ':' },
      { kind: 'placeholder', name: 'project_id' },
    ]);
  });

  it('accepts any delimiter and placeholders at either end', () => {
    expect(parseKeyPattern('{tenant}/reports/{id}')).toEqual([
      { kind: 'placeholder', name: 'tenant' },
      { kind: 'literal', text: '/reports/' },
      { kind: 'placeholder', name: 'id' },
    ]);
  });

  it('reads a pattern without placeholders as one literal', () => {
    expect(parseKeyPattern('health:last-export')).toEqual([{ kind: 'literal', text: 'health:last-export' }]);
  });

  it('keeps a stray closing brace as literal text', () => {
    expect(parseKeyPattern('a}:{id}')).toEqual([
      { kind: 'literal', text: 'a}:' },
      { kind: 'placeholder', name: 'id' },
    ]);
  });

  it('refuses an empty placeholder name and says where it is', () => {
    const err = syntaxError('project:{}');
    expect(err.reason).toBe('empty placeholder name');
    expect(err.offset).toBe(8);
    expect(err.code).toBe('CONFIG');
    expect(err.message).toBe('empty placeholder name at offset 8 of key pattern "project:{}"');
  });

  it('refuses an unclosed brace, including one closed only after another opens', () => {
    expect(syntaxError('project:{tenant').reason).toBe("unclosed '{'");
    expect(syntaxError('project:{ten{ant}').offset).toBe(8);
  });

  it('refuses two adjacent placeholders because their boundary is ambiguous', () => {
    const err = syntaxError('x:{a}{b}');
    expect(err.message).toContain('{b} directly follows another placeholder');
    expect(err.offset).toBe(5);
  });

  it('refuses a placeholder name used twice', () => {
    expect(syntaxError('{id}:{id}').reason).toBe('duplicate placeholder name {id}');
  });

  it('refuses names with spaces, which would silently lose the tenant scope', () => {
    expect(syntaxError('project:{ tenant }:{id}').reason).toMatch(/must be letters, digits/);
  });

  it('refuses an empty pattern and one with an unpaired surrogate', () => {
    expect(syntaxError('').reason).toBe('empty key pattern');
    expect(syntaxError('a\uD83D:{id}').reason).toBe('unpaired UTF-16 surrogate');
  });

  it('quotes a pattern holding a newline on one line in its message', () => {
    expect(syntaxError('a\n{}').message).toContain('"a\\n{}"');
  });
});
