import type { FieldDesc } from './class-desc.js';

/**
 * A class descriptor as parsed before, with the exact bytes it was parsed from: everything after
 * TC_CLASSDESC up to and including its (empty) class annotation, superclass excluded.
 */
export interface CachedDesc {
  readonly span: Uint8Array;
  readonly spanView: DataView;
  readonly name: string;
  readonly flags: number;
  readonly fields: readonly FieldDesc[];
  /**
   * The handle events of the object fields' type names, in order: a string was a new TC_STRING
   * (it takes the next handle), a number a TC_REFERENCE to that handle index (checked again on
   * every replay, since what it points to belongs to the stream at hand).
   */
  readonly typeNames: readonly (string | number)[];
}

/*
 * Every cached value repeats the descriptors of its classes (java.util.HashMap, the DTO, its
 * superclasses): a third of a typical payload. Reusing the parse when the bytes are identical
 * makes the common case a byte comparison. Bounded: SLOTS entries of at most MAX_SPAN bytes.
 */
const SLOTS = 1024;
export const MAX_SPAN = 512;
const slots: (CachedDesc | undefined)[] = new Array<CachedDesc | undefined>(SLOTS);

/** Slot of the descriptor starting at `start` (its name length), hashed on name and serialVersionUID. */
function slotOf(bytes: Uint8Array, start: number): number {
  const nameLength = ((bytes[start] as number) << 8) | (bytes[start + 1] as number);
  const suid = start + 2 + nameLength;
  if (nameLength === 0 || suid + 8 > bytes.length) return -1;
  let hash = Math.imul(nameLength, 0x9e3779b1);
  hash = Math.imul(hash ^ (bytes[suid - 1] as number), 0x01000193);
  hash = Math.imul(hash ^ (bytes[suid - 2] as number), 0x01000193);
  for (let i = suid; i < suid + 8; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return (hash ^ (hash >>> 15)) & (SLOTS - 1);
}

/** The cached descriptor whose bytes are exactly those at `start` (`view` spans `bytes`), if any. */
export function findCachedDesc(bytes: Uint8Array, view: DataView, start: number): CachedDesc | undefined {
  if (start + 2 > bytes.length) return undefined;
  const slot = slotOf(bytes, start);
  if (slot < 0) return undefined;
  const entry = slots[slot];
  if (entry === undefined) return undefined;
  const { span, spanView } = entry;
  const n = span.length;
  if (start + n > bytes.length) return undefined;
  // Four bytes a step: this comparison is most of a cache hit's cost.
  let i = 0;
  for (; i + 4 <= n; i += 4) if (spanView.getUint32(i) !== view.getUint32(start + i)) return undefined;
  for (; i < n; i++) if (span[i] !== bytes[start + i]) return undefined;
  return entry;
}

/** Remembers a descriptor parsed from bytes[start, end). */
export function storeDesc(bytes: Uint8Array, start: number, end: number, desc: Omit<CachedDesc, 'span' | 'spanView'>): void {
  if (end - start > MAX_SPAN) return;
  const slot = slotOf(bytes, start);
  if (slot < 0) return;
  // A copy: Buffer#slice would be a view keeping the whole payload alive.
  const span = new Uint8Array(bytes.subarray(start, end));
  slots[slot] = { ...desc, span, spanView: new DataView(span.buffer) };
}
