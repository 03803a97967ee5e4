import { undecodable, type DecodeError } from '../../decode-error.js';
import { parseDouble, parseLongInteger } from './php-numbers.js';
import { PhpText } from './php-text.js';
import { arrayKey, closeFrame, newObject, openFrame, storeEntry, type Frame, type Holders } from './php-frames.js';

/**
 * Cap on `r:`/`R:` back-references in one payload. Each costs O(1) (the referenced value is
 * shared, never copied), so this bounds nothing exponential; it keeps a payload that is little
 * but references (a bomb built to explode whoever walks it later) from passing as data.
 */
export const MAX_PHP_REFERENCES = 100_000;

// Every entry is at least `i:0;N;`: a count beyond remaining / 6 cannot be honest.
const MIN_ENTRY_BYTES = 6;
// Declared lengths and counts are compared with the bytes left before use, so 10 digits
// (up to 9,999,999,999) is plenty; more is refused before any arithmetic.
const MAX_LENGTH_DIGITS = 10;
// `i:` bodies up to 15 digits are summed exactly as doubles; longer ones go through BigInt.
const FAST_INT_DIGITS = 15;
const MAX_INT_CHARS = 64;

const OPEN: unique symbol = Symbol('container opened');
/** Slot of an array still being read: a reference to it can only come from inside it. */
const PENDING_ARRAY: unique symbol = Symbol('array being read');

// Bytes of the syntax, by name (a const enum: inlined, no lookups in the hot loop).
const enum Ch {
  Quote = 0x22, Plus = 0x2b, Minus = 0x2d, Zero = 0x30, Nine = 0x39, Colon = 0x3a, Semicolon = 0x3b,
  C = 0x43, E = 0x45, N = 0x4e, O = 0x4f, R = 0x52, S = 0x53,
  a = 0x61, b = 0x62, d = 0x64, i = 0x69, r = 0x72, s = 0x73, OpenBrace = 0x7b, CloseBrace = 0x7d,
}

function fail(reason: string): DecodeError {
  return undecodable(reason, { format: 'php' });
}

/**
 * Reads one PHP serialize() value as data: nothing is constructed, no class is looked up, no
 * `__wakeup`/`__unserialize` runs. Iterative (an explicit stack of open containers), so
 * `maxDepth` is the only nesting limit and no payload can overflow the JS stack.
 */
export class PhpReader {
  private pos = 0;
  private readonly end: number;
  private readonly text: PhpText;
  /**
   * PHP's var_hash: every value except `R:` takes the next slot, containers before their
   * contents, keys never (var_unserializer.re, php_var_unserialize_internal). `r:N`/`R:N` name
   * slot N, counting from 1.
   */
  private readonly slots: unknown[] = [];
  private references = 0;
  private readonly stack: Frame[] = [];
  private readonly holders: Holders = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.end = bytes.length;
    this.text = new PhpText(bytes);
  }

  /** The whole input as one value; trailing bytes are an error. */
  read(): unknown {
    const stack = this.stack;
    for (;;) {
      let value: unknown = this.readValue();
      for (;;) {
        const top = stack[stack.length - 1];
        if (value !== OPEN) {
          if (top === undefined) {
            if (this.pos !== this.end) throw fail('trailing bytes after the PHP value');
            return value;
          }
          storeEntry(top, value, this.holders);
        }
        // `top` is the innermost open container: the one just opened, or the one just filled.
        if (top === undefined || top.remaining > 0) break;
        this.expect(Ch.CloseBrace);
        stack.pop();
        value = closeFrame(top, this.holders);
        if (!top.isObject) this.slots[top.slot] = value;
      }
      this.readKey(stack[stack.length - 1] as Frame);
    }
  }

  private expect(byte: number): void {
    if (this.bytes[this.pos] !== byte) throw fail(this.pos >= this.end ? 'truncated PHP value' : 'invalid PHP serialize syntax');
    this.pos += 1;
  }

  /** `X:` where X is the type letter at pos. */
  private typeHead(): void {
    this.pos += 1;
    this.expect(Ch.Colon);
  }

  /** A length or count: decimal digits up to `terminator`. */
  private readCount(terminator: number): number {
    const bytes = this.bytes;
    const start = this.pos;
    let n = 0;
    let b = bytes[this.pos];
    while (b !== undefined && b >= Ch.Zero && b <= Ch.Nine) {
      n = n * 10 + (b - Ch.Zero);
      b = bytes[++this.pos];
    }
    if (this.pos === start) throw fail(b === undefined ? 'truncated PHP value' : 'invalid PHP serialize syntax');
    if (this.pos - start > MAX_LENGTH_DIGITS) throw fail('PHP length out of range');
    this.expect(terminator);
    return n;
  }

  /**
   * `LEN:"…"` (after `X:`): returns where the quoted bytes start; they end at `pos - 1`, the
   * closing quote. LEN is checked against the bytes left before anything is read.
   */
  private readQuoted(): number {
    const length = this.readCount(Ch.Colon);
    this.expect(Ch.Quote);
    // LEN is a byte count. A hostile `s:2147483647:"` ends here, before anything is allocated.
    if (length > this.end - this.pos - 1) throw fail('PHP string longer than the value');
    const start = this.pos;
    this.pos += length;
    this.expect(Ch.Quote);
    return start;
  }

  private readInteger(): number | bigint {
    const bytes = this.bytes;
    const start = this.pos;
    let negative = false;
    const sign = bytes[this.pos];
    if (sign === Ch.Minus || sign === Ch.Plus) {
      negative = sign === Ch.Minus;
      this.pos += 1;
    }
    const digitsStart = this.pos;
    let n = 0;
    let b = bytes[this.pos];
    while (b !== undefined && b >= Ch.Zero && b <= Ch.Nine) {
      n = n * 10 + (b - Ch.Zero);
      b = bytes[++this.pos];
      if (this.pos - start > MAX_INT_CHARS) throw fail('PHP integer out of range');
    }
    if (this.pos === digitsStart) throw fail(b === undefined ? 'truncated PHP value' : 'invalid PHP serialize syntax');
    const digits = this.pos - digitsStart;
    this.expect(Ch.Semicolon);
    if (digits <= FAST_INT_DIGITS) return negative ? -n : n;
    const exact = parseLongInteger(this.text.token(start, this.pos - 1));
    if (exact === undefined) throw fail('PHP integer out of range');
    return exact;
  }

  private readDouble(): number {
    const start = this.pos;
    // The longest valid body is short (`-1.7976931348623157E+308`); 64 bounds the search.
    const limit = Math.min(this.end, start + 64);
    let at = start;
    while (at < limit && this.bytes[at] !== Ch.Semicolon) at += 1;
    if (at >= this.end) throw fail('truncated PHP value');
    const value = at < limit ? parseDouble(this.text.token(start, at)) : undefined;
    if (value === undefined) throw fail('invalid PHP float');
    this.pos = at + 1;
    return value;
  }

  private readReference(): unknown {
    const id = this.readCount(Ch.Semicolon);
    if (++this.references > MAX_PHP_REFERENCES) throw fail(`more than ${MAX_PHP_REFERENCES} PHP back-references`);
    if (id < 1 || id > this.slots.length) throw fail('PHP back-reference out of range');
    const target = this.slots[id - 1];
    // Objects are created before their properties, so a cycle through one is kept (the same
    // object); an array's final shape (list or map) is only known at its end.
    if (target === PENDING_ARRAY) throw fail('cyclic PHP array reference is not supported');
    return target;
  }

  /** One value at pos. Containers push a frame and return OPEN; their entries follow. */
  private readValue(): unknown {
    const bytes = this.bytes;
    const slots = this.slots;
    const type = bytes[this.pos];
    let value: unknown;
    switch (type) {
      case Ch.N:
        this.pos += 1;
        this.expect(Ch.Semicolon);
        value = null;
        break;
      case Ch.b: {
        this.typeHead();
        const flag = bytes[this.pos];
        if (flag !== Ch.Zero && flag !== Ch.Zero + 1) throw fail(flag === undefined ? 'truncated PHP value' : 'invalid PHP serialize syntax');
        this.pos += 1;
        this.expect(Ch.Semicolon);
        value = flag === Ch.Zero + 1;
        break;
      }
      case Ch.i:
        this.typeHead();
        value = this.readInteger();
        break;
      case Ch.d:
        this.typeHead();
        value = this.readDouble();
        break;
      case Ch.s: {
        this.typeHead();
        const start = this.readQuoted();
        value = this.text.value(start, this.pos - 1);
        this.expect(Ch.Semicolon);
        break;
      }
      case Ch.E: {
        // PHP 8.1 enum case `E:LEN:"Class:Case";`: kept as that text (no value is serialized).
        this.typeHead();
        const start = this.readQuoted();
        value = this.text.key(start, this.pos - 1);
        this.expect(Ch.Semicolon);
        if (!(value as string).includes(':')) throw fail('invalid PHP enum');
        break;
      }
      case Ch.a: {
        this.typeHead();
        const count = this.readContainerCount();
        slots.push(PENDING_ARRAY);
        this.push(openFrame(false, count, slots.length - 1, undefined, this.holders));
        return OPEN;
      }
      case Ch.O: {
        // The class name is skipped: nothing is looked up or constructed from it (SPEC §2 maps
        // show properties only; see php.ts for why there is no class field).
        this.typeHead();
        this.readQuoted();
        this.expect(Ch.Colon);
        const count = this.readContainerCount();
        // Created now, before its properties, so an r: from inside it (a parent pointer) is this object.
        const object = newObject();
        slots.push(object);
        this.push(openFrame(true, count, slots.length - 1, object, this.holders));
        return OPEN;
      }
      case Ch.r:
        this.typeHead();
        value = this.readReference();
        break;
      case Ch.R:
        // A PHP reference (`&$x`) takes no slot of its own.
        this.typeHead();
        return this.readReference();
      case Ch.C:
        // Serializable::serialize() output: bytes only the class's own unserialize() can read.
        throw fail('PHP custom-serialized objects (C:) are not supported');
      case Ch.S:
        throw fail('PHP escaped strings (S:) are not supported');
      case undefined:
        throw fail('truncated PHP value');
      default:
        throw fail('invalid PHP serialize syntax');
    }
    slots.push(value);
    return value;
  }

  /** `N:{` of an array or object, with N checked against the bytes left. */
  private readContainerCount(): number {
    const count = this.readCount(Ch.Colon);
    this.expect(Ch.OpenBrace);
    if (count * MIN_ENTRY_BYTES > this.end - this.pos) throw fail('PHP array longer than the value');
    return count;
  }

  private push(frame: Frame): void {
    if (this.stack.length >= this.maxDepth) throw fail(`PHP nesting deeper than ${this.maxDepth}`);
    this.stack.push(frame);
  }

  /** An array key or property name (`i:` or `s:`); keys take no slot. */
  private readKey(frame: Frame): void {
    const type = this.bytes[this.pos];
    if (type === Ch.i) {
      this.typeHead();
      const n = this.readInteger();
      frame.key = frame.isObject || typeof n === 'bigint' ? String(n) : n;
    } else if (type === Ch.s) {
      this.typeHead();
      const start = this.readQuoted();
      const name = this.text.key(start, this.pos - 1);
      this.expect(Ch.Semicolon);
      frame.key = frame.isObject ? name : arrayKey(name);
    } else {
      throw fail(type === undefined ? 'truncated PHP value' : 'invalid PHP array key');
    }
  }
}
