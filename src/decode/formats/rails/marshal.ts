import { attributeSetKind, keyString, newMap, rebuildAttributeSet, setKey, userMarshalValue, type RubyMap } from './active-model.js';
import { MAX_LINKS, nestingLimit, railsError, type WorkBudget } from './limits.js';
import { MarshalCursor } from './marshal-cursor.js';
import { reencode, rubyText } from './ruby-text.js';
import { userDefinedValue } from './ruby-user-types.js';

/** Limits and options of one Marshal parse. */
export interface MarshalOptions {
  readonly maxDepth: number;
  readonly budget: WorkBudget;
  /**
   * When the root is an object of this class, this instance variable comes back as raw bytes
   * (Uint8Array) if it holds a plain binary string: a Rails 6.1 Entry's compressed `@value`.
   */
  readonly rawRootIvar?: { readonly className: string; readonly name: string };
}

/** A parsed Marshal stream: its value, and the class of its root when that is an object. */
export interface MarshalDocument {
  value: unknown;
  rootClass: string | undefined;
}

/**
 * Ruby's Marshal format 4.8 (marshal.c), read as data: objects become plain maps of
 * their instance variables (names keep their `@`), Hashes maps, Structs maps of members, and
 * `u`/`U`/`d` user types the data they dumped. No class is looked up, no `_load`,
 * `marshal_load` or `_load_data` is called. Back-references (`@`) return the object already
 * built, never a copy, so a shared or cyclic graph costs what its bytes cost. Link indices
 * follow marshal.c's registration order exactly (see each type's comment).
 */
class MarshalReader extends MarshalCursor {
  private readonly symbols: string[] = [];
  private readonly objects: unknown[] = [];
  private links = 0;
  private readonly maxNesting: number;
  rootClass: string | undefined;

  constructor(
    bytes: Uint8Array,
    start: number,
    private readonly options: MarshalOptions,
  ) {
    super(bytes, start);
    this.maxNesting = nestingLimit(options.maxDepth);
  }

  document(): unknown {
    if (this.byte() !== 4 || this.byte() !== 8) throw railsError('not Marshal 4.8 data');
    const value = this.value(0, 0);
    if (this.pos !== this.bytes.length) throw railsError('trailing bytes after the Marshal value');
    return value;
  }

  private enter(depth: number): void {
    if (depth + 1 > this.options.maxDepth) throw railsError(`Marshal nesting deeper than ${this.options.maxDepth}`);
  }

  private register(value: unknown): number {
    return this.objects.push(value) - 1;
  }

  /** A symbol where the format requires one (class names, ivar and member names). */
  private symbol(depth: number, level: number): string {
    const type = this.byte();
    if (type === 0x3b) return this.symlink();
    if (type === 0x3a) return this.symbolBody(false, depth, level);
    if (type === 0x49 && this.byte() === 0x3a) return this.symbolBody(true, depth, level);
    throw railsError('expected a Marshal symbol');
  }

  private symbolBody(hasIvars: boolean, depth: number, level: number): string {
    const start = this.span();
    const name = rubyText(this.bytes, start, this.pos);
    // Symbols have their own table; the encoding ivar's value (read after) takes an object slot.
    this.symbols.push(name);
    if (hasIvars) this.ivars(depth, level);
    return name;
  }

  private symlink(): string {
    const index = this.long();
    const name = this.symbols[index];
    if (name === undefined) throw railsError('dangling Marshal symbol link');
    return name;
  }

  /** Instance variables of a string, symbol, regexp or wrapped value; returns `encoding`'s name. */
  private ivars(depth: number, level: number): string | undefined {
    this.enter(depth);
    this.nest(level);
    const count = this.count(2);
    let encoding: string | undefined;
    for (let i = 0; i < count; i++) {
      const name = this.symbol(depth + 1, level + 1);
      const value = this.value(depth + 1, level + 1);
      if (name === 'encoding' && typeof value === 'string') encoding = value;
    }
    return encoding;
  }

  /** Every recursion passes here or through ivars(), so the stack stays bounded. */
  private nest(level: number): void {
    if (level > this.maxNesting) throw railsError(`Marshal nesting deeper than ${this.maxNesting}`);
  }

  value(depth: number, level: number): unknown {
    this.nest(level);
    const type = this.byte();
    switch (type) {
      case 0x30: // 0
        return null;
      case 0x54: // T
        return true;
      case 0x46: // F
        return false;
      case 0x69: // i
        return this.long();
      case 0x3a: // :
        return this.symbolBody(false, depth, level);
      case 0x3b: // ;
        return this.symlink();
      case 0x22: // " — registered as soon as read
        return this.string(depth, level, false);
      case 0x49: // I — ivars follow the value they wrap
        return this.ivarWrapped(depth, level);
      case 0x40: // @
        return this.link();
      case 0x5b: // [
        return this.array(depth, level);
      case 0x7b: // {
      case 0x7d: // } (with a default value, read and dropped)
        return this.hash(depth, level, type === 0x7d);
      case 0x6f: // o
        return this.object(depth, level);
      case 0x53: // S
        return this.struct(depth, level);
      case 0x65: // e: extended by a module, which changes nothing we read
      case 0x43: // C: a subclass of String, Array, Hash or Regexp
        this.symbol(depth, level + 1);
        return this.value(depth, level + 1);
      case 0x75: // u
        return this.userDefined(depth, level, false);
      case 0x55: // U and d: registered before their data
      case 0x64:
        return this.userMarshal(depth, level, type === 0x55);
      case 0x66: // f, registered once read
      case 0x6c: {
        // l
        const number = type === 0x66 ? this.float() : this.bignum();
        this.register(number);
        return number;
      }
      case 0x2f: // /
        return this.regexp(depth, level, false);
      case 0x63: // c, m, M: a class or module, as its name
      case 0x6d:
      case 0x4d: {
        const start = this.span();
        const name = rubyText(this.bytes, start, this.pos);
        this.register(name);
        return name;
      }
      default:
        throw railsError('unknown Marshal type');
    }
  }

  private string(depth: number, level: number, hasIvars: boolean): string {
    const start = this.span();
    const end = this.pos;
    const text = rubyText(this.bytes, start, end);
    const index = this.register(text);
    if (!hasIvars) return text;
    const encoding = this.ivars(depth, level);
    if (encoding === undefined) return text;
    const recoded = reencode(this.bytes, start, end, encoding, text);
    this.objects[index] = recoded;
    return recoded;
  }

  private ivarWrapped(depth: number, level: number): unknown {
    const type = this.byte();
    if (type === 0x22) return this.string(depth, level, true);
    if (type === 0x3a) return this.symbolBody(true, depth, level);
    if (type === 0x2f) return this.regexp(depth, level, true);
    if (type === 0x75) return this.userDefined(depth, level, true);
    this.pos -= 1;
    const value = this.value(depth, level + 1);
    this.ivars(depth, level); // ivars of an Array/Hash/object subclass: read, not kept
    return value;
  }

  private link(): unknown {
    this.links += 1;
    if (this.links > MAX_LINKS) throw railsError('too many Marshal links');
    const index = this.long();
    if (index < 0 || index >= this.objects.length) throw railsError('dangling Marshal object link');
    // A link into a value still being read (a user type's own data) has nothing to show yet.
    return this.objects[index] ?? null;
  }

  private array(depth: number, level: number): unknown[] {
    this.enter(depth);
    const length = this.count(1);
    const array: unknown[] = [];
    this.register(array);
    for (let i = 0; i < length; i++) array.push(this.value(depth + 1, level + 1));
    return array;
  }

  private hash(depth: number, level: number, withDefault: boolean): RubyMap {
    this.enter(depth);
    const length = this.count(2);
    const map = newMap();
    this.register(map);
    for (let i = 0; i < length; i++) {
      const key = keyString(this.value(depth + 1, level + 1));
      setKey(map, key, this.value(depth + 1, level + 1));
    }
    if (withDefault) this.value(depth + 1, level + 1);
    return map;
  }

  /** `o`: slot reserved before the class name (marshal.c r_prepare), then the ivars. */
  private object(depth: number, level: number): RubyMap {
    this.enter(depth);
    const index = this.register(undefined);
    const className = this.symbol(depth, level + 1);
    const count = this.count(2);
    const target = newMap();
    this.objects[index] = target;
    // Attribute sets are rebuilt into `target` from their ivars, read aside.
    const kind = attributeSetKind(className);
    const ivars = kind === undefined ? target : newMap();
    const raw = this.options.rawRootIvar;
    const rawName = index === 0 && raw !== undefined && raw.className === className ? raw.name : undefined;
    for (let i = 0; i < count; i++) {
      const name = this.symbol(depth + 1, level + 1);
      if (name === rawName && this.bytes[this.pos] === 0x22) {
        this.pos += 1;
        const start = this.span();
        const compressed = this.bytes.subarray(start, this.pos);
        this.register(compressed);
        setKey(ivars, name, compressed);
      } else {
        setKey(ivars, name, this.value(depth + 1, level + 1));
      }
    }
    if (kind !== undefined) rebuildAttributeSet(kind, ivars, target, this.options.budget);
    if (index === 0) this.rootClass = className;
    return target;
  }

  /** `S`: like `o`, with member names (no `@`). */
  private struct(depth: number, level: number): RubyMap {
    this.enter(depth);
    const map = newMap();
    this.register(map);
    this.symbol(depth, level + 1);
    const count = this.count(2);
    for (let i = 0; i < count; i++) {
      const member = this.symbol(depth + 1, level + 1);
      setKey(map, member, this.value(depth + 1, level + 1));
    }
    return map;
  }

  /** `u`: class name, its _dump string, that string's ivars, and only then the slot. */
  private userDefined(depth: number, level: number, hasIvars: boolean): string {
    const className = this.symbol(depth, level + 1);
    const start = this.span();
    const end = this.pos;
    if (hasIvars) this.ivars(depth, level);
    const value = userDefinedValue(className, this.bytes, start, end);
    this.register(value);
    return value;
  }

  /** `U` (marshal_dump data) and `d` (_dump_data): slot first, then the data as data. */
  private userMarshal(depth: number, level: number, rebuild: boolean): unknown {
    const className = this.symbol(depth, level + 1);
    const index = this.register(undefined);
    const data = this.value(depth, level + 1);
    const value = rebuild ? userMarshalValue(className, data, this.options.budget) : data;
    this.objects[index] = value;
    return value;
  }

  /** `/`: source and options byte, slot, then ivars; kept as its source text. */
  private regexp(depth: number, level: number, hasIvars: boolean): string {
    const start = this.span();
    const end = this.pos;
    this.byte();
    const text = rubyText(this.bytes, start, end);
    this.register(text);
    if (hasIvars) this.ivars(depth, level);
    return text;
  }
}

/** Parses one Marshal 4.8 value filling `bytes` from `start` to the end. */
export function parseMarshal(bytes: Uint8Array, start: number, options: MarshalOptions): MarshalDocument {
  const reader = new MarshalReader(bytes, start, options);
  let value: unknown;
  try {
    value = reader.document();
  } catch (error) {
    // Belt and braces: the nesting limit keeps recursion far from the stack's end.
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw railsError('Marshal nesting too deep');
    throw error;
  }
  return { value, rootClass: reader.rootClass };
}
