import { MachineState } from './machine-state.js';
import { HIGHEST_PROTOCOL, OP } from './opcodes.js';
import { bytesText, pickleError, PickleReader } from './pickle-reader.js';
import { pyGlobal, type PyGlobal } from './python-global.js';
import { appendTo, build, instance, newDict, reduce, setItem, WorkBudget } from './python-objects.js';
import { parseFloatLine, parseIndexLine, parseIntLine, parseLongLine, parseStringLine, parseUnicodeLine } from './text-values.js';

/**
 * Runs the opcodes of one pickle from `start` to its STOP as a data-only stack machine (the
 * subset of CPython's Unpickler that builds values). Nothing is imported, constructed or called:
 * globals are names (PyGlobal) and objects are inert dicts (python-objects.ts). Memo references
 * return the same value, never a copy, so shared references cost nothing. Trailing bytes after
 * STOP are an error, unlike CPython: no cache writes them.
 */
export function runPickle(bytes: Uint8Array, start: number, maxDepth: number): unknown {
  const r = new PickleReader(bytes, start);
  // Merges and copies are the only work not paid for by payload bytes; this bounds them.
  const work = new WorkBudget(8 * bytes.length + 65_536);
  const m = new MachineState();
  const stack = m.stack;
  let protocol = 0;
  const globalAt = (): PyGlobal => {
    const [ms, me] = r.line();
    const [ns, ne] = r.line();
    return pyGlobal(bytesText(bytes, ms, me), bytesText(bytes, ns, ne), protocol);
  };

  for (;;) {
    const op = r.u8();
    switch (op) {
      case OP.PROTO:
        protocol = r.u8();
        if (protocol > HIGHEST_PROTOCOL) throw pickleError('unsupported pickle protocol');
        break;
      case OP.FRAME:
        // Frames only batch I/O; their length must still fit the payload.
        if (r.u64() > bytes.length - r.pos) throw pickleError('truncated pickle');
        break;
      case OP.STOP: {
        const value = m.pop();
        if (!r.done) throw pickleError('trailing bytes after pickle');
        return m.finish(value, maxDepth);
      }
      case OP.MARK:
        m.mark();
        break;
      case OP.POP:
        m.popOrMark();
        break;
      case OP.POP_MARK:
        m.popMark();
        break;
      case OP.DUP:
        m.pushReference(m.top());
        break;

      case OP.NONE:
        m.push(null);
        break;
      case OP.NEWTRUE:
        m.push(true);
        break;
      case OP.NEWFALSE:
        m.push(false);
        break;
      case OP.BININT:
        m.push(r.i32());
        break;
      case OP.BININT1:
        m.push(r.u8());
        break;
      case OP.BININT2:
        m.push(r.u16());
        break;
      case OP.LONG1:
        m.push(r.long(r.u8()));
        break;
      case OP.LONG4: {
        const length = r.i32();
        if (length < 0) throw pickleError('invalid pickle');
        m.push(r.long(length));
        break;
      }
      case OP.BINFLOAT:
        m.push(r.f64());
        break;
      case OP.INT:
        m.push(parseIntLine(bytes, ...r.line()));
        break;
      case OP.LONG:
        m.push(parseLongLine(bytes, ...r.line()));
        break;
      case OP.FLOAT:
        m.push(parseFloatLine(bytes, ...r.line()));
        break;

      case OP.SHORT_BINUNICODE:
        m.push(r.utf8(r.u8()));
        break;
      case OP.BINUNICODE:
        m.push(r.utf8(r.u32()));
        break;
      case OP.BINUNICODE8:
        m.push(r.utf8(r.u64()));
        break;
      case OP.UNICODE:
        m.push(parseUnicodeLine(bytes, ...r.line()));
        break;
      case OP.STRING:
        m.push(parseStringLine(bytes, ...r.line()));
        break;
      case OP.SHORT_BINSTRING:
      case OP.BINSTRING: {
        const length = op === OP.SHORT_BINSTRING ? r.u8() : r.i32();
        if (length < 0) throw pickleError('invalid pickle');
        const at = r.take(length);
        m.push(bytesText(bytes, at, at + length));
        break;
      }
      case OP.SHORT_BINBYTES:
        m.push(r.copy(r.u8()));
        break;
      case OP.BINBYTES:
        m.push(r.copy(r.u32()));
        break;
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        m.push(r.copy(r.u64()));
        break;
      case OP.READONLY_BUFFER:
        m.top();
        break;
      case OP.NEXT_BUFFER:
        throw pickleError('out-of-band pickle buffers are not supported');

      case OP.EMPTY_LIST:
      case OP.EMPTY_TUPLE:
      case OP.EMPTY_SET:
        m.pushContainer([]);
        break;
      case OP.EMPTY_DICT:
        m.pushContainer(newDict());
        break;
      case OP.TUPLE:
      case OP.LIST:
      case OP.FROZENSET:
        m.pushContainer(m.popMark());
        break;
      case OP.TUPLE1:
        m.pushContainer([m.pop()]);
        break;
      case OP.TUPLE2: {
        const b = m.pop();
        m.pushContainer([m.pop(), b]);
        break;
      }
      case OP.TUPLE3: {
        const c = m.pop();
        const b = m.pop();
        m.pushContainer([m.pop(), b, c]);
        break;
      }
      case OP.DICT: {
        const from = m.closeMark();
        if ((stack.length - from) % 2 !== 0) throw pickleError('invalid pickle');
        const dict = newDict();
        for (let i = from; i < stack.length; i += 2) setItem(dict, stack[i], stack[i + 1], work);
        m.truncate(from);
        m.pushContainer(dict);
        break;
      }
      case OP.APPEND: {
        const value = m.pop();
        appendTo(m.top(), value);
        break;
      }
      case OP.APPENDS:
      case OP.ADDITEMS: {
        const from = m.closeMark();
        const target = m.below(from);
        for (let i = from; i < stack.length; i++) appendTo(target, stack[i]);
        m.truncate(from);
        break;
      }
      case OP.SETITEM: {
        const value = m.pop();
        const key = m.pop();
        setItem(m.top(), key, value, work);
        break;
      }
      case OP.SETITEMS: {
        const from = m.closeMark();
        const target = m.below(from);
        if ((stack.length - from) % 2 !== 0) throw pickleError('invalid pickle');
        for (let i = from; i < stack.length; i += 2) setItem(target, stack[i], stack[i + 1], work);
        m.truncate(from);
        break;
      }

      case OP.MEMOIZE:
        m.memoize(m.top());
        break;
      case OP.BINPUT:
        m.memoPut(r.u8(), m.top());
        break;
      case OP.LONG_BINPUT:
        m.memoPut(r.u32(), m.top());
        break;
      case OP.PUT:
        m.memoPut(parseIndexLine(bytes, ...r.line()), m.top());
        break;
      case OP.BINGET:
        m.memoGet(r.u8());
        break;
      case OP.LONG_BINGET:
        m.memoGet(r.u32());
        break;
      case OP.GET:
        m.memoGet(parseIndexLine(bytes, ...r.line()));
        break;

      case OP.GLOBAL:
        m.pushGlobal(globalAt());
        break;
      case OP.STACK_GLOBAL: {
        const name = m.pop();
        const module = m.pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw pickleError('invalid pickle');
        m.pushGlobal(pyGlobal(module, name, protocol));
        break;
      }
      case OP.REDUCE: {
        const args = m.pop();
        m.pushObject(reduce(m.pop(), args, work));
        break;
      }
      case OP.NEWOBJ: {
        const args = m.pop();
        m.pushObject(instance(m.pop(), args));
        break;
      }
      case OP.NEWOBJ_EX: {
        const kwargs = m.pop();
        const args = m.pop();
        m.pushObject(instance(m.pop(), args, kwargs));
        break;
      }
      case OP.INST: {
        const cls = globalAt();
        const args = m.popMark();
        m.pushGlobal(cls); // pushed and consumed at once, to keep the global count balanced
        m.pushObject(instance(m.pop(), args));
        break;
      }
      case OP.OBJ: {
        const items = m.popMark();
        m.pushObject(instance(items[0], items.slice(1)));
        break;
      }
      case OP.BUILD: {
        const state = m.pop();
        const target = m.top();
        if (!m.buildUuid(target, state)) build(target, state, work);
        break;
      }

      case OP.PERSID:
      case OP.BINPERSID:
        throw pickleError('pickle persistent ids are not supported');
      case OP.EXT1:
      case OP.EXT2:
      case OP.EXT4:
        throw pickleError('pickle extension codes are not supported');
      default:
        throw pickleError('unknown pickle opcode');
    }
  }
}
