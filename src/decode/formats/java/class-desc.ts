/** One serializable field as a class descriptor declares it. */
export interface FieldDesc {
  /** Type code: B C D F I J S Z for primitives, L (object) or [ (array). */
  readonly type: string;
  readonly name: string;
}

/**
 * A class descriptor read from the stream (never a loaded class: only its name, flags and field
 * list, which say how to read the class's data).
 */
export class ClassDesc {
  readonly name: string;
  flags = 0;
  /** Shared between decodes through the descriptor cache: never mutated once read. */
  fields: readonly FieldDesc[] = [];
  superDesc: ClassDesc | null = null;
  /** Set once the superclass chain is read; a reference to an unready descriptor is refused. */
  ready = false;
  /** This class and its serializable superclasses, topmost first: the order of their data. */
  levels: ClassDesc[] | undefined;
  /** The most derived level that is a known JDK class, and how to read it (resolved with levels). */
  knownLevel: ClassDesc | undefined;
  known: KnownClass | undefined;

  constructor(name: string) {
    this.name = name;
  }
}

/** Custom-data and field access the parser gives the readers of known JDK classes. */
export interface ObjectReader {
  /** Next object (or null) of the current class's custom data (what writeObject wrote). */
  object(): unknown;
  /** Primitives of the current class's custom data, which may span several block-data chunks. */
  blockByte(): number;
  blockShort(): number;
  blockInt(): number;
  blockLong(): number | bigint;
  blockFloat(): number;
  blockUtf(): string;
  /** Fails unless `count` items of at least `minBytes` each could still fit in the payload. */
  checkCount(count: unknown, minBytes: number, what: string): number;
}

/** Reads one JDK class's part of an object: its declared fields are already in `fields`. */
export interface KnownClass {
  /**
   * What the object becomes. `map` and `list` containers exist before the data is read, so a
   * back-reference from inside finds them; `value` is known only at the end.
   */
  readonly shape: 'map' | 'list' | 'value';
  /** Java serialization of this class puts its data in block data, not in fields alone. */
  readonly externalizable?: boolean;
  read(reader: ObjectReader, fields: Record<string, unknown>, target: unknown): unknown;
}
