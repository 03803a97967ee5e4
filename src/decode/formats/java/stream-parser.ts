import { ByteCursor } from './byte-cursor.js';
import type { ClassDesc, KnownClass } from './class-desc.js';
import * as C from './constants.js';
import { CustomData } from './custom-data.js';
import { DescriptorReader, PENDING } from './desc-reader.js';
import { javaError } from './errors.js';

export { MAX_CLASS_CHAIN, MAX_HANDLES } from './desc-reader.js';

/**
 * Recursion stays far from the JS stack limit whatever `maxDepth` the config allows
 * (each level of nesting costs a few stack frames here).
 */
export const HARD_MAX_DEPTH = 1000;

const EMPTY_FIELDS: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** Where an unknown class's custom writeObject objects appear in the decoded value. */
export const WRITE_OBJECT_KEY = '@writeObject';

// Only the JDK's bootstrap loader may define java.* classes (ClassLoader refuses the prefix), and
// the JDK's own collection subclasses (LinkedHashMap, UnmodifiableList…) hold no tenant data.
function isJdkClass(name: string): boolean {
  return name.startsWith('java.') || name.startsWith('javax.');
}

/**
 * Reads one Java serialization stream into plain data: objects become null-prototype maps of
 * field name → value (superclass fields included), known JDK classes their natural shape. No class
 * is ever loaded or instantiated, and no readObject/readResolve logic runs: descriptors are only
 * used to know how many bytes each field takes.
 *
 * Work is linear in the payload: a back-reference returns the object already decoded (never a
 * copy), and every loop consumes payload bytes or is bounded by a constant cap.
 */
export class JavaStreamParser extends DescriptorReader {
  protected readonly custom: CustomData;

  constructor(bytes: Uint8Array, maxDepth: number) {
    super(new ByteCursor(bytes), Math.min(maxDepth, HARD_MAX_DEPTH));
    this.custom = new CustomData(this.cur, () => this.readObject());
  }

  /** The one object after the 4-byte header (what ObjectOutputStream.writeObject wrote). */
  parse(): unknown {
    this.cur.skip(4);
    this.skipResets();
    const value = this.readObject();
    this.skipResets();
    if (this.cur.remaining !== 0) throw javaError('trailing bytes after the object');
    return value;
  }

  // ObjectOutputStream.reset() is legal only between top-level objects (it throws at depth > 0).
  private skipResets(): void {
    while (this.cur.remaining > 0 && this.cur.peek() === C.TC_RESET) {
      this.cur.pos += 1;
      this.handles = [];
    }
  }

  protected readObject(): unknown {
    const tc = this.cur.u8();
    switch (tc) {
      case C.TC_NULL:
        return null;
      case C.TC_REFERENCE:
        return this.readReference();
      case C.TC_OBJECT:
        return this.readNewObject();
      case C.TC_STRING:
        return this.registered(this.cur.utf(this.cur.u16()));
      case C.TC_LONGSTRING:
        return this.registered(this.readLongUtf());
      case C.TC_ARRAY:
        return this.readNewArray();
      case C.TC_ENUM:
        return this.readNewEnum();
      case C.TC_CLASS:
        return this.registered(this.requireDesc(this.readClassDesc(), 'class object').name);
      case C.TC_CLASSDESC:
      case C.TC_PROXYCLASSDESC:
        return this.readNewClassDesc(tc).name;
      case C.TC_EXCEPTION:
        throw javaError('the stream holds a write-time exception');
      case C.TC_RESET:
        throw javaError('stream reset inside an object');
      case C.TC_BLOCKDATA:
      case C.TC_BLOCKDATALONG:
        throw javaError('block data where an object was expected');
      case C.TC_ENDBLOCKDATA:
        throw javaError('end of block data where an object was expected');
      default:
        throw javaError('unknown type code');
    }
  }

  private readNewObject(): unknown {
    const desc = this.requireDesc(this.readClassDesc(), 'object');
    if (desc.flags & C.SC_ENUM) throw javaError('enum constant written as an object');
    const levels = this.resolve(desc);
    const known: KnownClass | undefined = desc.known;
    const target: unknown = known === undefined || known.shape === 'map' ? Object.create(null) : known.shape === 'list' ? [] : PENDING;
    const handle = this.assign(target);
    this.enter();
    const custom = this.custom;
    // The custom-data state belongs to the enclosing object (a HashMap whose entries we are in).
    const outer = custom.active;
    custom.active = false;
    let value: unknown = target;
    // What the writeObject of an unknown class wrote besides its fields (see CustomData.collect).
    const annotations: unknown[] = [];
    // Past the known level: the levels of an application subclass of a JDK collection.
    let derived = false;
    for (const level of levels) {
      const flags = level.flags;
      const reader = level === desc.knownLevel ? known : undefined;
      if (flags & C.SC_EXTERNALIZABLE) {
        if (reader?.externalizable !== true) throw javaError('an externalizable class is not supported');
        // Without SC_BLOCK_DATA (protocol 1) only the class itself knows where its data ends.
        if (!(flags & C.SC_BLOCK_DATA)) throw javaError('externalizable data without block framing');
        custom.open();
        value = reader.read(custom, EMPTY_FIELDS, target);
        custom.end();
        continue;
      }
      if (!(flags & C.SC_SERIALIZABLE)) continue; // ObjectInputStream reads no data for it either
      // A JDK collection's shape has no room for a subclass's own fields (a "tenantId" of a
      // TenantList extends ArrayList): dropping them could hide a marker, so the value is refused.
      const foreign = derived && !isJdkClass(level.name);
      if (foreign && level.fields.length > 0) throw javaError('fields of a subclass of a JDK class not parsed');
      const fields = known === undefined ? (target as Record<string, unknown>) : reader !== undefined ? (Object.create(null) as Record<string, unknown>) : undefined;
      this.readFields(level, fields);
      // Only SC_WRITE_METHOD levels have custom data; a known reader of any other level finds none.
      if (flags & C.SC_WRITE_METHOD) {
        custom.open();
        if (reader !== undefined) value = reader.read(custom, fields ?? EMPTY_FIELDS, target);
        if (known === undefined || foreign) custom.collect(annotations);
        else custom.end(); // a JDK class's own data, read by its reader or of no marker interest
      } else if (reader !== undefined) {
        value = reader.read(custom, fields ?? EMPTY_FIELDS, target);
      }
      if (level === desc.knownLevel) derived = true;
    }
    custom.active = outer;
    this.depth -= 1;
    if (value === PENDING) throw javaError('a class has no serialized data');
    if (annotations.length > 0) {
      // Markers reach these objects at $['@writeObject'][i]; no Java field name can start with '@'.
      if (known !== undefined) throw javaError('custom writeObject data not parsed');
      const record = target as Record<string, unknown>;
      if (WRITE_OBJECT_KEY in record) throw javaError('a field name repeats across class levels');
      record[WRITE_OBJECT_KEY] = annotations;
    }
    this.handles[handle] = value;
    return value;
  }

  private readFields(level: ClassDesc, into: Record<string, unknown> | undefined): void {
    for (const field of level.fields) {
      const value = field.type === 'L' || field.type === '[' ? this.readObject() : this.readPrimitive(field.type);
      if (into === undefined) continue;
      // A subclass may redeclare a superclass's private field: keeping one would hide the other.
      if (field.name in into) throw javaError('a field name repeats across class levels');
      into[field.name] = value;
    }
  }

  private readPrimitive(type: string): unknown {
    const cur = this.cur;
    switch (type) {
      case 'B':
        return cur.i8();
      case 'C':
        return String.fromCharCode(cur.u16());
      case 'D':
        return cur.f64();
      case 'F':
        return cur.f32();
      case 'I':
        return cur.i32();
      case 'J':
        return cur.i64();
      case 'S':
        return cur.i16();
      default:
        return cur.u8() !== 0; // 'Z': type codes were checked when the descriptor was read
    }
  }

  private readNewArray(): unknown {
    const desc = this.requireDesc(this.readClassDesc(), 'array');
    if (desc.name.charAt(0) !== '[') throw javaError('array of a class that is not an array class');
    const size = this.cur.i32();
    const type = desc.name.charAt(1);
    const width = C.PRIMITIVE_SIZES[type];
    this.enter();
    let array: unknown;
    if (width !== undefined) {
      // Checked against the payload before anything is allocated: a 2^31 length fails here.
      if (size < 0 || size * width > this.cur.remaining) throw javaError('array longer than the payload');
      array = type === 'B' ? this.cur.take(size) : this.readPrimitives(type, size);
      this.assign(array);
    } else {
      if (type !== 'L' && type !== '[') throw javaError('unknown array element type');
      const count = this.custom.checkCount(size, 1, 'array element');
      const elements: unknown[] = [];
      this.assign(elements);
      for (let i = 0; i < count; i++) elements.push(this.readObject());
      array = elements;
    }
    this.depth -= 1;
    return array;
  }

  private readPrimitives(type: string, size: number): unknown[] {
    const values: unknown[] = [];
    for (let i = 0; i < size; i++) values.push(this.readPrimitive(type));
    return values;
  }

  private readNewEnum(): string {
    const desc = this.requireDesc(this.readClassDesc(), 'enum constant');
    if (!(desc.flags & C.SC_ENUM)) throw javaError('enum constant of a class that is not an enum');
    const handle = this.assign(PENDING);
    const tc = this.cur.peek();
    const name = tc === C.TC_STRING || tc === C.TC_LONGSTRING || tc === C.TC_REFERENCE ? this.readObject() : undefined;
    if (typeof name !== 'string') throw javaError('enum constant name is not a string');
    this.handles[handle] = name;
    return name;
  }
}
