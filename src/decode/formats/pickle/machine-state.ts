import { finishValue } from './finish-value.js';
import { pickleError } from './pickle-reader.js';
import { PyGlobal } from './python-global.js';
import { isPyDict, type PyDict } from './python-objects.js';
import { uuidText } from './python-values.js';

// A memo entry or stack slot per opcode at most, so both are already bounded by the payload
// size; these caps bound them again for payloads far larger than a cache value should be.
export const MAX_MEMO = 1 << 20;
export const MAX_STACK = 1 << 20;

/**
 * The unpickler's stack, MARKs and memo, as CPython's Unpickler keeps them (its "metastack" of
 * MARKs is a list of stack floors here), plus what finish() needs to know about the value.
 */
export class MachineState {
  readonly stack: unknown[] = [];
  private readonly marks: number[] = [];
  /** The stack index of the innermost MARK: CPython's current stack starts here. */
  private floor = 0;
  private readonly memo: unknown[] = [];
  private memoCount = 0;
  /** uuid.UUID objects between NEWOBJ and BUILD, with their memo slots: BUILD makes them text. */
  private pendingUuids: Map<PyDict, number[]> | undefined;
  // What finish() has to check, tracked so that the common payload (a tree of fresh containers,
  // every global consumed as a class or callable) can skip the walk: containers made; whether
  // a memo reference or DUP shared one (sharing is what allows cycles); globals pushed minus
  // globals consumed (a global left over may sit in the data as a PyGlobal).
  private containers = 0;
  private shared = false;
  private looseGlobals = 0;

  push(value: unknown): void {
    if (this.stack.length >= MAX_STACK) throw pickleError(`pickle stack deeper than ${MAX_STACK}`);
    this.stack.push(value);
  }

  pop(): unknown {
    if (this.stack.length <= this.floor) throw pickleError('invalid pickle');
    return this.stack.pop();
  }

  top(): unknown {
    if (this.stack.length <= this.floor) throw pickleError('invalid pickle');
    return this.stack[this.stack.length - 1];
  }

  mark(): void {
    if (this.marks.length >= MAX_STACK) throw pickleError(`pickle stack deeper than ${MAX_STACK}`);
    this.marks.push(this.floor);
    this.floor = this.stack.length;
  }

  /** Ends the innermost MARK; its items stay on the stack from the returned index. */
  closeMark(): number {
    const from = this.floor;
    const previous = this.marks.pop();
    if (previous === undefined) throw pickleError('invalid pickle');
    this.floor = previous;
    return from;
  }

  /** The items since the innermost MARK, taken off the stack. */
  popMark(): unknown[] {
    return this.stack.splice(this.closeMark());
  }

  /** POP: the top item, or with none above the MARK, the MARK itself (as CPython does). */
  popOrMark(): void {
    if (this.stack.length > this.floor) this.stack.pop();
    else this.popMark();
  }

  /** APPENDS/SETITEMS: the container just below a closed MARK's items. */
  below(from: number): unknown {
    if (from - 1 < this.floor) throw pickleError('invalid pickle');
    return this.stack[from - 1];
  }

  truncate(length: number): void {
    while (this.stack.length > length) this.stack.pop();
  }

  pushContainer(value: unknown[] | PyDict): void {
    this.containers += 1;
    this.push(value);
  }

  /** A global named by GLOBAL, STACK_GLOBAL or INST. */
  pushGlobal(value: PyGlobal): void {
    this.looseGlobals += 1;
    this.push(value);
  }

  /** The result of REDUCE/NEWOBJ/INST/OBJ, whose class or callable (a global) was consumed. */
  pushObject(value: unknown): void {
    this.looseGlobals -= 1;
    if (value instanceof PyGlobal) this.looseGlobals += 1; // getattr(Class, 'name')
    else this.containers += 2; // an object, and perhaps the `__items__` list appends give it
    if (isPyDict(value) && value['__class__'] === 'uuid.UUID') (this.pendingUuids ??= new Map()).set(value, []);
    this.push(value);
  }

  /** A second reference to a value (memo GET, DUP). */
  pushReference(value: unknown): void {
    if (value instanceof PyGlobal) this.looseGlobals += 1;
    else if (typeof value === 'object' && value !== null) this.shared = true;
    this.push(value);
  }

  memoPut(index: number, value: unknown): void {
    if (index >= MAX_MEMO) throw pickleError(`pickle memo larger than ${MAX_MEMO}`);
    if (this.memo[index] === undefined) this.memoCount += 1;
    this.memo[index] = value;
    if (this.pendingUuids !== undefined && isPyDict(value)) this.pendingUuids.get(value)?.push(index);
  }

  /** MEMOIZE: the next free memo index, len(memo) in CPython. */
  memoize(value: unknown): void {
    this.memoPut(this.memoCount, value);
  }

  memoGet(index: number): void {
    const value = this.memo[index];
    if (value === undefined) throw pickleError('invalid pickle memo reference');
    this.pushReference(value);
  }

  /**
   * BUILD of a pending uuid.UUID with its {'int': N} state: the object becomes its canonical text
   * everywhere it was stored (stack top and memo). False when `target` is anything else.
   */
  buildUuid(target: unknown, state: unknown): boolean {
    const slots = this.pendingUuids !== undefined && isPyDict(target) ? this.pendingUuids.get(target) : undefined;
    const text = slots === undefined ? undefined : uuidText(state);
    if (slots === undefined || text === undefined) return false;
    this.stack[this.stack.length - 1] = text;
    for (const index of slots) this.memo[index] = text;
    this.pendingUuids?.delete(target as PyDict);
    return true;
  }

  /** The value STOP returns, checked by finishValue() unless it cannot need it. */
  finish(value: unknown, maxDepth: number): unknown {
    // Without sharing, nesting cannot exceed the number of containers made.
    if (!this.shared && this.looseGlobals === 0 && this.containers <= maxDepth) return value;
    return finishValue(value, maxDepth);
  }
}
