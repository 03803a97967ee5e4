import { keyString, newMap, setKey, type RubyMap } from './active-model.js';
import { nestingLimit, railsError, type WorkBudget } from './limits.js';
import { railsExtension, type ExtensionReader } from './message-pack-ext.js';
import { rubyText } from './ruby-text.js';

/** Limits of one MessagePack parse. */
export interface MessagePackOptions {
  readonly maxDepth: number;
  readonly budget: WorkBudget;
}

/** ActiveSupport::MessagePack's signature: the integer 128 packed ahead of the value. */
const SIGNATURE = 128;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function narrow(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/**
 * MessagePack as Rails 7.1's `:message_pack` cache serializer writes it: plain msgpack plus
 * ActiveSupport's extension types (symbols, times, HashWithIndifferentAccess, records…),
 * decoded as data by message-pack-ext.ts. Written here rather than on @msgpack/msgpack because
 * symbol map keys and recursive extensions must stay inside one depth limit.
 */
class MessagePackReader implements ExtensionReader {
  private pos: number;
  private end: number;
  private readonly view: DataView;
  private readonly maxDepth: number;

  constructor(
    readonly bytes: Uint8Array,
    private readonly options: MessagePackOptions,
  ) {
    this.pos = 0;
    this.end = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Each level costs a few stack frames: the same absolute cap as the Marshal reader's.
    this.maxDepth = Math.min(options.maxDepth, nestingLimit(options.maxDepth));
  }

  get budget(): WorkBudget {
    return this.options.budget;
  }

  document(start: number): unknown {
    this.pos = start;
    if (this.value(0) !== SIGNATURE) throw railsError('missing ActiveSupport MessagePack signature');
    const value = this.value(0);
    if (this.pos !== this.end) throw railsError('trailing bytes after the MessagePack value');
    return value;
  }

  /** The values packed one after another in bytes[start, end): an extension's payload. */
  values(start: number, end: number, depth: number): unknown[] {
    if (depth > this.maxDepth) throw railsError(`MessagePack nesting deeper than ${this.maxDepth}`);
    const [savedPos, savedEnd] = [this.pos, this.end];
    this.pos = start;
    this.end = end;
    const values: unknown[] = [];
    while (this.pos < end) values.push(this.value(depth));
    this.pos = savedPos;
    this.end = savedEnd;
    return values;
  }

  private need(count: number): number {
    if (count > this.end - this.pos) throw railsError('truncated MessagePack data');
    const at = this.pos;
    this.pos += count;
    return at;
  }

  private uint(size: 1 | 2 | 4): number {
    const at = this.need(size);
    if (size === 1) return this.view.getUint8(at);
    return size === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
  }

  private text(length: number): string {
    const start = this.need(length);
    return rubyText(this.bytes, start, this.pos);
  }

  private enter(depth: number, count: number, bytesPerItem: number): void {
    if (depth + 1 > this.maxDepth) throw railsError(`MessagePack nesting deeper than ${this.maxDepth}`);
    if (count * bytesPerItem > this.end - this.pos) throw railsError('MessagePack length exceeds the data');
  }

  private array(count: number, depth: number): unknown[] {
    this.enter(depth, count, 1);
    const array: unknown[] = [];
    for (let i = 0; i < count; i++) array.push(this.value(depth + 1));
    return array;
  }

  private map(count: number, depth: number): RubyMap {
    this.enter(depth, count, 2);
    const map = newMap();
    for (let i = 0; i < count; i++) {
      const key = keyString(this.value(depth + 1));
      setKey(map, key, this.value(depth + 1));
    }
    return map;
  }

  private extension(length: number, depth: number): unknown {
    const type = this.view.getInt8(this.need(1));
    const start = this.need(length);
    return railsExtension(this, type, start, this.pos, depth);
  }

  value(depth: number): unknown {
    const head = this.bytes[this.need(1)] as number;
    if (head <= 0x7f) return head;
    if (head >= 0xe0) return head - 0x100;
    if (head <= 0x8f) return this.map(head & 0x0f, depth);
    if (head <= 0x9f) return this.array(head & 0x0f, depth);
    if (head <= 0xbf) return this.text(head & 0x1f);
    switch (head) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4: // bin: a binary Ruby String
      case 0xc5:
      case 0xc6:
      case 0xd9: // str
      case 0xda:
      case 0xdb:
        return this.text(this.uint(head === 0xc4 || head === 0xd9 ? 1 : head === 0xc5 || head === 0xda ? 2 : 4));
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return this.extension(this.uint(head === 0xc7 ? 1 : head === 0xc8 ? 2 : 4), depth);
      case 0xca:
        return this.view.getFloat32(this.need(4));
      case 0xcb:
        return this.view.getFloat64(this.need(8));
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xcf:
        return narrow(this.view.getBigUint64(this.need(8)));
      case 0xd0:
        return this.view.getInt8(this.need(1));
      case 0xd1:
        return this.view.getInt16(this.need(2));
      case 0xd2:
        return this.view.getInt32(this.need(4));
      case 0xd3:
        return narrow(this.view.getBigInt64(this.need(8)));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.extension(2 ** (head - 0xd4), depth);
      case 0xdc:
      case 0xdd:
        return this.array(this.uint(head === 0xdc ? 2 : 4), depth);
      case 0xde:
      case 0xdf:
        return this.map(this.uint(head === 0xde ? 2 : 4), depth);
      default: // 0xc1 is never used
        throw railsError('invalid MessagePack byte');
    }
  }
}

/** Decodes an ActiveSupport::MessagePack payload (`CC 80` + one value) at `start`. */
export function parseRailsMessagePack(bytes: Uint8Array, start: number, options: MessagePackOptions): unknown {
  try {
    return new MessagePackReader(bytes, options).document(start);
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw railsError('MessagePack nesting too deep');
    throw error;
  }
}
