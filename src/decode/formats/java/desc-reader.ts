import type { ByteCursor } from './byte-cursor.js';
import { ClassDesc, type FieldDesc } from './class-desc.js';
import * as C from './constants.js';
import type { CustomData } from './custom-data.js';
import { findCachedDesc, storeDesc } from './desc-cache.js';
import { javaError } from './errors.js';
import { KNOWN_CLASSES } from './known-classes.js';

/** Stands in a handle slot while a value-shaped object (Integer, UUID…) is being read. */
export const PENDING: unique symbol = Symbol('unfinished Java object');

/**
 * Each handle costs at least two payload bytes, so a 1 MiB value could declare ~500k; real
 * cached objects use a few hundred. The cap bounds the handle table whatever `maxBytes` is.
 */
export const MAX_HANDLES = 1 << 18;
/** Serializable superclass chains in real code are a few levels; this bounds work per object. */
export const MAX_CLASS_CHAIN = 64;

/**
 * The handle table, nesting depth and class descriptors of one stream: what every kind of
 * content shares. The parser of the contents themselves extends it (stream-parser.ts).
 */
export abstract class DescriptorReader {
  protected readonly cur: ByteCursor;
  protected readonly maxDepth: number;
  protected abstract readonly custom: CustomData;
  protected handles: unknown[] = [];
  protected depth = 0;

  constructor(cur: ByteCursor, maxDepth: number) {
    this.cur = cur;
    this.maxDepth = maxDepth;
  }

  /** Reads one object (any content but block data) at the cursor. */
  protected abstract readObject(): unknown;

  protected assign(value: unknown): number {
    if (this.handles.length >= MAX_HANDLES) throw javaError(`more than ${MAX_HANDLES} objects`);
    return this.handles.push(value) - 1;
  }

  protected registered<T>(value: T): T {
    this.assign(value);
    return value;
  }

  protected enter(): void {
    if (++this.depth > this.maxDepth) throw javaError(`Java nesting deeper than ${this.maxDepth}`);
  }

  /** What handle `index` holds, as a value: refused while it is still being read. */
  protected referenced(index: number): unknown {
    if (index < 0 || index >= this.handles.length) throw javaError('reference to an unknown handle');
    const entry = this.handles[index];
    if (entry === PENDING) throw javaError('reference to an object still being read');
    if (entry instanceof ClassDesc) {
      if (!entry.ready) throw javaError('reference to a class descriptor still being read');
      return entry.name;
    }
    return entry;
  }

  protected readReference(): unknown {
    return this.referenced(this.cur.i32() - C.BASE_WIRE_HANDLE);
  }

  protected readLongUtf(): string {
    const high = this.cur.i32();
    const low = this.cur.i32() >>> 0;
    if (high !== 0) throw javaError('string longer than the payload');
    return this.cur.utf(low);
  }

  protected requireDesc(desc: ClassDesc | null, what: string): ClassDesc {
    if (desc === null) throw javaError(`${what} without a class descriptor`);
    return desc;
  }

  protected readClassDesc(): ClassDesc | null {
    const tc = this.cur.u8();
    if (tc === C.TC_NULL) return null;
    if (tc === C.TC_CLASSDESC || tc === C.TC_PROXYCLASSDESC) return this.readNewClassDesc(tc);
    if (tc !== C.TC_REFERENCE) throw javaError('expected a class descriptor');
    const index = this.cur.i32() - C.BASE_WIRE_HANDLE;
    if (index < 0 || index >= this.handles.length) throw javaError('reference to an unknown handle');
    const entry = this.handles[index];
    // A superclass pointing back at a descriptor still being read would make a cyclic chain.
    if (!(entry instanceof ClassDesc) || !entry.ready) throw javaError('class descriptor reference to something else');
    return entry;
  }

  protected readNewClassDesc(tc: number): ClassDesc {
    this.enter();
    const cur = this.cur;
    let desc: ClassDesc;
    if (tc === C.TC_CLASSDESC) {
      desc = this.readClassDescHead();
    } else {
      desc = new ClassDesc('(proxy)');
      this.assign(desc);
      desc.flags = C.SC_SERIALIZABLE;
      const count = this.custom.checkCount(cur.i32(), 2, 'proxy interface');
      for (let i = 0; i < count; i++) cur.skip(cur.u16());
      this.skipClassAnnotation();
    }
    desc.superDesc = this.readClassDesc();
    desc.ready = true;
    this.depth -= 1;
    return desc;
  }

  /**
   * The class annotation: ObjectOutputStream.annotateClass writes nothing, so it is a bare
   * TC_ENDBLOCKDATA. Only a custom stream subclass (RMI's codebase URLs) writes content there,
   * which no cache serializer uses; skipping it unseen could hide data, so it is refused.
   */
  protected skipClassAnnotation(): void {
    if (this.cur.u8() !== C.TC_ENDBLOCKDATA) throw javaError('class annotation data not parsed');
  }

  /** Name, serialVersionUID, flags, fields and class annotation of a TC_CLASSDESC. */
  protected readClassDescHead(): ClassDesc {
    const cur = this.cur;
    const start = cur.pos;
    const cached = findCachedDesc(cur.bytes, cur.view, start);
    if (cached !== undefined) {
      // The same bytes parse the same way; only the handles they take or name are this stream's.
      const desc = new ClassDesc(cached.name);
      this.assign(desc);
      desc.flags = cached.flags;
      desc.fields = cached.fields;
      for (const typeName of cached.typeNames) {
        if (typeof typeName === 'string') this.assign(typeName);
        else if (typeof this.referenced(typeName) !== 'string') throw javaError('field type name is not a string');
      }
      cur.pos = start + cached.span.length;
      return desc;
    }
    const desc = new ClassDesc(cur.utf(cur.u16()));
    cur.skip(8); // serialVersionUID: nothing here checks class versions
    this.assign(desc);
    desc.flags = cur.u8();
    if (desc.flags & C.SC_SERIALIZABLE && desc.flags & C.SC_EXTERNALIZABLE) throw javaError('class flags are both serializable and externalizable');
    const count = this.custom.checkCount(cur.i16(), 3, 'field');
    const fields: FieldDesc[] = [];
    const typeNames: (string | number)[] = [];
    let cacheable = true;
    let objects = false;
    for (let i = 0; i < count; i++) {
      const type = String.fromCharCode(cur.u8());
      const name = cur.utf(cur.u16());
      if (type === 'L' || type === '[') {
        const typeName = this.readTypeName();
        if (typeName === undefined) cacheable = false;
        else typeNames.push(typeName);
        objects = true;
      } else if (C.PRIMITIVE_SIZES[type] === undefined) {
        throw javaError('unknown field type code');
      } else if (objects) {
        // ObjectStreamClass refuses this too ("illegal field order"): primitive data comes first.
        throw javaError('primitive field after an object field');
      }
      fields.push({ type, name });
    }
    desc.fields = fields;
    this.skipClassAnnotation();
    if (cacheable) storeDesc(cur.bytes, start, cur.pos, { name: desc.name, flags: desc.flags, fields, typeNames });
    return desc;
  }

  /**
   * An object field's JVM type signature: a string or a reference to one, never an object.
   * Returns how it was written for the descriptor cache (the new string, or the handle index
   * referenced), or undefined for the rare forms not worth caching.
   */
  protected readTypeName(): string | number | undefined {
    const tc = this.cur.peek();
    if (tc === C.TC_STRING) {
      this.cur.pos += 1;
      return this.registered(this.cur.utf(this.cur.u16()));
    }
    if (tc === C.TC_REFERENCE) {
      this.cur.pos += 1;
      const index = this.cur.i32() - C.BASE_WIRE_HANDLE;
      if (typeof this.referenced(index) !== 'string') throw javaError('field type name is not a string');
      return index;
    }
    if (tc !== C.TC_LONGSTRING) throw javaError('field type name is not a string');
    this.readObject();
    return undefined;
  }

  protected resolve(desc: ClassDesc): ClassDesc[] {
    if (desc.levels) return desc.levels;
    const chain: ClassDesc[] = [];
    for (let d: ClassDesc | null = desc; d !== null; d = d.superDesc) {
      if (chain.length >= MAX_CLASS_CHAIN) throw javaError(`class hierarchy deeper than ${MAX_CLASS_CHAIN}`);
      chain.push(d);
    }
    // The most derived known class decides the shape: LinkedHashMap reads as its HashMap level.
    for (const d of chain) {
      const known = KNOWN_CLASSES.get(d.name);
      if (known !== undefined) {
        desc.known = known;
        desc.knownLevel = d;
        break;
      }
    }
    desc.levels = chain.reverse();
    return desc.levels;
  }

}
