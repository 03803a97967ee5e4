import { describe, expect, it } from 'vitest';
import { decodeFailure, decodePickle, global, OPS, pickle, str } from './pickle-helpers.js';

const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const CODE_EXECUTION = 'pickle references a code-execution callable';

describe('format: pickle, hostile payloads', () => {
  it('refuses a protocol 0 os.system pickle without running anything', () => {
    const bytes = Uint8Array.from(Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1'));
    expect(decodeFailure(bytes).message).toBe(CODE_EXECUTION);
  });

  it('refuses code-execution callables however they are named', () => {
    const cases = [
      pickle(str('subprocess'), str('Popen'), OPS.STACK_GLOBAL, str('id'), OPS.TUPLE1, OPS.REDUCE),
      pickle(global('builtins', 'eval'), str('1'), OPS.TUPLE1, OPS.REDUCE),
      pickle(global('__builtin__', 'exec'), str('1'), OPS.TUPLE1, OPS.REDUCE),
      pickle(global('posix', 'system'), str('id'), OPS.TUPLE1, OPS.REDUCE),
      pickle(global('yaml', 'load'), str('x'), OPS.TUPLE1, OPS.REDUCE),
      // getattr(SomeClass, 'system'): the protocol 2 spelling of a nested name
      pickle(global('builtins', 'getattr'), global('app.util', 'Helper'), str('system'), OPS.TUPLE2, OPS.REDUCE),
    ];
    for (const bytes of cases) expect(decodeFailure(bytes).message).toBe(CODE_EXECUTION);
  });

  it('refuses calls whose callable was itself computed by the pickle', () => {
    const chained = pickle(global('app.factory', 'make'), OPS.EMPTY_TUPLE, OPS.REDUCE, OPS.EMPTY_TUPLE, OPS.REDUCE);
    expect(decodeFailure(chained).message).toBe('pickle calls a computed callable');
    const getattrOfValue = pickle(global('builtins', 'getattr'), str('text'), str('upper'), OPS.TUPLE2, OPS.REDUCE);
    expect(decodeFailure(getattrOfValue).message).toBe('pickle calls a computed callable');
  });

  it('fails fast on strings and bytes declaring 2 GB or more', () => {
    expect(decodeFailure(pickle([0x58, ...u32(0x7fffffff), 0x61])).message).toBe('truncated pickle');
    expect(decodeFailure(pickle([0x8d, ...u32(0), ...u32(1), 0x61])).message).toBe('truncated pickle');
    expect(decodeFailure(pickle([0x42, ...u32(0xffffffff)])).message).toBe('truncated pickle');
    expect(decodeFailure(pickle([0x54, ...u32(0x80000000)])).message).toBe('invalid pickle');
  });

  it('refuses integers longer than 4 KiB', () => {
    expect(decodeFailure(pickle([0x8b, ...u32(100_000)], new Array<number>(100_000).fill(1))).message).toBe('pickle integer too long');
  });

  it('refuses memo indexes beyond the cap and references to empty memo slots', () => {
    expect(decodeFailure(pickle(OPS.NONE, [OPS.LONG_BINPUT, ...u32(0xffffffff)])).message).toMatch(/^pickle memo larger than \d+$/);
    expect(decodeFailure(pickle([OPS.LONG_BINGET, ...u32(7)])).message).toBe('invalid pickle memo reference');
  });

  it('refuses nesting deeper than maxDepth, even when built on a one-slot stack', () => {
    // NONE then 100,000 TUPLE1: each wraps the previous value, the stack never grows.
    const deep = pickle(OPS.NONE, new Array<number>(100_000).fill(OPS.TUPLE1));
    expect(decodeFailure(deep).message).toBe('pickle nesting deeper than 256');
    expect(decodePickle(pickle(OPS.NONE, new Array<number>(7).fill(OPS.TUPLE1)), { maxDepth: 7 })).toEqual([[[[[[[null]]]]]]]);
    expect(decodeFailure(pickle(OPS.NONE, new Array<number>(8).fill(OPS.TUPLE1)), { maxDepth: 7 }).message).toBe('pickle nesting deeper than 7');
  });

  it('refuses a list that contains itself', () => {
    expect(decodeFailure(pickle(OPS.EMPTY_LIST, OPS.DUP, OPS.APPEND)).message).toBe('pickle value refers to itself');
  });

  it('decodes a billion-leaf tree of shared references in linear time, sharing instead of copying', () => {
    // level 0 = []; level i = (level i-1, level i-1): 2^40 leaves, 41 distinct values.
    const levels: number[] = [OPS.EMPTY_LIST, OPS.MEMOIZE];
    for (let i = 1; i <= 40; i++) levels.push(OPS.BINGET, i - 1, OPS.DUP, OPS.TUPLE2, OPS.MEMOIZE);
    const value = decodePickle(pickle(levels), { maxDepth: 64 }) as unknown[];
    expect(value[0]).toBe(value[1]);
    expect(decodeFailure(pickle(levels), { maxDepth: 16 }).message).toBe('pickle nesting deeper than 16');
  });

  it('bounds the work of merging one large state into many objects', () => {
    // A 1,000-key dict, then 10,000 × BUILD of an empty dict with it: 10 million merges.
    const state: number[] = [OPS.EMPTY_DICT, OPS.MEMOIZE, OPS.MARK];
    for (let i = 0; i < 1000; i++) state.push(...str(`k${i}`), OPS.BININT1, 1);
    state.push(0x75); // SETITEMS
    const builds: number[] = [];
    for (let i = 0; i < 10_000; i++) builds.push(OPS.EMPTY_DICT, OPS.BINGET, 0, OPS.BUILD, OPS.POP);
    expect(decodeFailure(pickle(state, builds)).message).toBe('pickle work budget exceeded');
  });

  it('refuses a value larger than maxBytes as oversized', () => {
    expect(decodeFailure(pickle(OPS.NONE), { maxBytes: 3 })).toMatchObject({ reason: 'oversized' });
  });

  it('survives a flood of MARKs and POPs below the stack without throwing anything but a DecodeError', () => {
    expect(decodeFailure(pickle(new Array<number>(200_000).fill(OPS.MARK))).reason).toBe('undecodable');
    expect(decodeFailure(pickle(OPS.POP)).message).toBe('invalid pickle');
  });
});
