import { describe, expect, it } from 'vitest';
import { pickleFormat } from '../../../src/decode/formats/pickle.js';
import { compileJsonPath } from '../../../src/markers/json-path.js';
import { extractMarkers } from '../../../src/markers/extract-markers.js';
import { decodeFailure, decodePickle, hex, OPS, pickle, str } from './pickle-helpers.js';

// Bytes CPython 3.11 wrote for {'id': 1041, 'tenant_id': 't-a', 'name': 'x'} and friends
// (pickle.dumps(value, protocol); cachelib adds the leading 21).
const FLASK = hex('218005952a000000000000007d94288c026964944d11048c0974656e616e745f6964948c03742d61948c046e616d65948c017894752e');
const DJANGO = hex('8004952a000000000000007d94288c026964944d11048c0974656e616e745f6964948c03742d61948c046e616d65948c017894752e');
const PROTOCOL_2 = hex('80027d7100285802000000696471014d1104580900000074656e616e745f696471025803000000742d61710358040000006e616d6571045801000000787105752e');
const PROTOCOL_0 = hex('286470300a5669640a70310a49313034310a735674656e616e745f69640a70320a56742d610a70330a73566e616d650a70340a56780a70350a732e');
const SAMPLE = { id: 1041, tenant_id: 't-a', name: 'x' };

const markers = (value: unknown, ...paths: string[]) => extractMarkers(value, paths.map(compileJsonPath));

describe('format: pickle', () => {
  it('decodes the bytes Flask-Caching and django-redis write for a record (cache-formats.md)', () => {
    expect([...FLASK.subarray(0, 6)]).toEqual([0x21, 0x80, 0x05, 0x95, 0x2a, 0x00]);
    expect([...DJANGO.subarray(0, 4)]).toEqual([0x80, 0x04, 0x95, 0x2a]);
    expect(decodePickle(FLASK)).toEqual(SAMPLE);
    expect(decodePickle(DJANGO)).toEqual(SAMPLE);
    expect(decodePickle(PROTOCOL_2)).toEqual(SAMPLE);
  });

  it('reads protocol 0 text pickles when the format is named', () => {
    expect(decodePickle(PROTOCOL_0)).toEqual(SAMPLE);
  });

  it('reads Python 2-era objects: copy_reg._reconstructor (protocols 0–1) and INST', () => {
    const expected = { __class__: 'app.Project', tenant_id: '6f1c2a44-93f1-4d8e-a0c7-2b5e9d4f0a11', id: 7 };
    const protocol0 = "ccopy_reg\n_reconstructor\np0\n(capp\nProject\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\nVtenant_id\np6\ng0\n(cuuid\nUUID\np7\ng2\nNtp8\nRp9\n(dp10\nVint\np11\nL147690549138669055225561166148763847185L\nsbsVid\np12\nI7\nsb.";
    expect(decodePickle(Uint8Array.from(Buffer.from(protocol0, 'latin1')))).toEqual(expected);
    const protocol1 = hex(
      '63636f70795f7265670a5f7265636f6e7374727563746f720a710028636170700a50726f6a6563740a7101635f5f6275696c74696e5f5f0a6f626a6563740a71024e7471035271047d710528580900000074656e616e745f6964710668002863757569640a555549440a710768024e7471085271097d710a5803000000696e74710b4c3134373639303534393133383636393035353232353536313136363134383736333834373138354c0a736258020000006964710c4b0775622e',
    );
    expect(decodePickle(protocol1)).toEqual(expected);
    const inst = "(iapp.models\nProject\np0\n(dp1\nS'tenant_id'\np2\nS'acme'\np3\nsb.";
    expect(decodePickle(Uint8Array.from(Buffer.from(inst, 'latin1')))).toEqual({ __class__: 'app.models.Project', tenant_id: 'acme' });
  });

  it('builds dicts as plain objects whose keys are own properties, __proto__ included', () => {
    // {'__proto__': {'tenant_id': 'globex'}, 'tenant_id': 'acme'}
    const value = decodePickle(hex('80049532000000000000007d94288c095f5f70726f746f5f5f947d948c0974656e616e745f6964948c06676c6f626578947368038c0461636d6594752e')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).tenant_id).toBeUndefined();
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(markers(value, "$['__proto__'].tenant_id").tenants).toEqual(['globex']);
    expect(markers(value, '$.tenant_id').tenants).toEqual(['acme']);
  });

  it('sniffs only the protocol 2–5 header, bare or behind cachelib\'s "!"', () => {
    for (const head of [[0x80, 0x02], [0x80, 0x05], [0x21, 0x80, 0x04], [0x21, 0x80, 0x05]]) expect(pickleFormat.sniff(Uint8Array.from(head)), head.join()).toBe(true);
    for (const head of [[0x80], [0x80, 0x00], [0x80, 0x06], [0x21], [0x21, 0x80, 0x01], [0x7b], [0x34, 0x32], [0x28, 0x64], []]) {
      expect(pickleFormat.sniff(Uint8Array.from(head)), head.join()).toBe(false);
    }
  });

  it('reads the ASCII digits django-redis and cachelib store for ints as that integer', () => {
    const ascii = (s: string) => Uint8Array.from(Buffer.from(s));
    expect(decodePickle(ascii('42'))).toBe(42);
    expect(decodePickle(ascii('-7'))).toBe(-7);
    expect(decodePickle(ascii('12345678901234567890'))).toBe(12_345_678_901_234_567_890n);
    expect(decodeFailure(ascii('4 2')).reason).toBe('undecodable');
    expect(decodeFailure(ascii('{"id":1}')).reason).toBe('undecodable');
  });

  it('shows a dict subclass instance as its items plus its attributes and class', () => {
    // class Sub(dict) in module app: Sub(tenant_id='acme') with .extra = 1 (NEWOBJ, SETITEMS, BUILD)
    const value = decodePickle(hex('80049534000000000000008c03617070948c035375629493942981948c0974656e616e745f6964948c0461636d6594737d948c056578747261944b0173622e'));
    expect(value).toEqual({ __class__: 'app.Sub', tenant_id: 'acme', extra: 1 });
  });

  it('lifts the fields of a pydantic v2-style {"__dict__": …} state, and merges __slots__ state', () => {
    // A class whose __getstate__ returns pydantic v2's shape; a @dataclass(slots=True) (state (None, slots)).
    const pydantic = decodePickle(
      hex('80059570000000000000008c03617070948c054d6f64656c9493942981947d94288c085f5f646963745f5f947d94288c026964944b018c0974656e616e745f6964948c0461636d6594758c125f5f707964616e7469635f65787472615f5f944e8c145f5f707964616e7469635f707269766174655f5f944e75622e'),
    );
    expect(markers(pydantic, '$.tenant_id').tenants).toEqual(['acme']);
    expect(pydantic).toMatchObject({ __class__: 'app.Model', id: 1, tenant_id: 'acme' });
    const slotted = decodePickle(hex('80059530000000000000008c03617070948c07536c6f747465649493942981944e7d948c0974656e616e745f6964948c0461636d6594738694622e'));
    expect(slotted).toEqual({ __class__: 'app.Slotted', tenant_id: 'acme' });
  });

  it('decodes collections.OrderedDict as a usable dict, in protocols 2 and 4', () => {
    const expected = { tenant_id: 'acme', id: 1 };
    expect(decodePickle(hex('8004953e000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0974656e616e745f6964948c0461636d65948c026964944b01752e'))).toEqual(expected);
    expect(decodePickle(hex('800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710128580900000074656e616e745f69647102580400000061636d6571035802000000696471044b01752e'))).toEqual(expected);
  });

  it('turns standard value types into their JSON-like reading', () => {
    // {'u': UUID('6f1c…'), 'dt': datetime(2024,5,1,12,30,0,5), 'd': date(2024,5,1), 't': time(8),
    //  'td': timedelta(minutes=90), 'dec': Decimal('-0.10'), 'set': {3}, 'big': 2**64,
    //  'neg': -(2**40), 'f': 1.5, 'b': b'\x00\xff'}
    const value = decodePickle(
      hex(
        '80049525010000000000007d94288c0175948c0475756964948c04555549449493942981947d948c03696e74948a10110a4f9d5e2bc7a08e4df193442a1c6f73628c026474948c086461746574696d65948c086461746574696d65949394430a07e805010c1e0000000594859452948c01649468098c0464617465949394430407e8050194859452948c01749468098c0474696d65949394430608000000000094859452948c0274649468098c0974696d6564656c74619493944b004d18154b00879452948c03646563948c07646563696d616c948c07446563696d616c9493948c052d302e313094859452948c03736574948f94284b03908c03626967948a090000000000000000018c036e6567948a060000000000ff8c016694473ff80000000000008c016294430200ff94752e',
      ),
    );
    expect(value).toEqual({
      u: '6f1c2a44-93f1-4d8e-a0c7-2b5e9d4f0a11',
      dt: '2024-05-01T12:30:00.000005',
      d: '2024-05-01',
      t: '08:00:00',
      td: 5400,
      dec: '-0.10',
      set: [3],
      big: 18_446_744_073_709_551_616n,
      neg: -(2 ** 40),
      f: 1.5,
      b: Uint8Array.from([0x00, 0xff]),
    });
  });

  it('turns dict keys that are not strings into their str() form', () => {
    // {1: 'int', (1, 'a'): 'tuple', b'raw': 'bytes', None: 'none', True: 'bool', 2.5: 'float'}; True == 1 in Python
    const value = decodePickle(hex('80049545000000000000007d94284b018c04626f6f6c944b018c01619486948c057475706c65944303726177948c056279746573944e8c046e6f6e65944740040000000000008c05666c6f617494752e'));
    expect(value).toEqual({ 1: 'bool', "(1, 'a')": 'tuple', raw: 'bytes', None: 'none', '2.5': 'float' });
  });

  it('returns the same value for every memo reference instead of copying it', () => {
    // l = []; [l, l]
    const value = decodePickle(pickle(OPS.EMPTY_LIST, OPS.MEMOIZE, [OPS.BINGET, 0], OPS.TUPLE2)) as unknown[];
    expect(value).toEqual([[], []]);
    expect(value[0]).toBe(value[1]);
  });

  it('shows a call to an unknown callable as inert data, without its marker', () => {
    // app.reports.make_report('acme') as REDUCE: nothing runs, and the argument is not a field.
    const value = decodePickle(pickle([0x63, ...Buffer.from('app.reports\nmake_report\n')], str('acme'), OPS.TUPLE1, OPS.REDUCE));
    expect(value).toEqual({ __reduce__: 'app.reports.make_report', __args__: ['acme'] });
    expect(markers(value, '$.tenant_id').found).toBe(false);
  });

  it('writes a global left in data as its "module.name" text', () => {
    expect(decodePickle(pickle(str('app.models'), str('Project'), OPS.STACK_GLOBAL, OPS.TUPLE1))).toEqual(['app.models.Project']);
  });

  it('refuses truncated pickles and bytes after STOP', () => {
    expect(decodeFailure(DJANGO.subarray(0, DJANGO.length - 1)).message).toBe('truncated pickle');
    expect(decodeFailure(Uint8Array.from([...DJANGO, 0x00])).message).toBe('trailing bytes after pickle');
    expect(decodeFailure(Uint8Array.of(0x21)).message).toBe('not a pickle');
    expect(decodeFailure(Uint8Array.from(Buffer.from('{"id":1}'))).message).toBe('not a pickle');
    expect(decodeFailure(new Uint8Array(0)).message).toBe('not a pickle');
  });

  it('names what it does not support instead of guessing', () => {
    expect(decodeFailure(pickle([0x51])).message).toBe('pickle persistent ids are not supported');
    expect(decodeFailure(pickle([0x82, 0x01])).message).toBe('pickle extension codes are not supported');
    expect(decodeFailure(Uint8Array.from([0x80, 0x05, 0x97, 0x2e])).message).toBe('out-of-band pickle buffers are not supported');
    expect(decodeFailure(Uint8Array.from([0x80, 0x06, 0x4e, 0x2e])).message).toBe('unsupported pickle protocol');
    expect(decodeFailure(pickle([0xff])).message).toBe('unknown pickle opcode');
  });

  it('marks failures of a recognised pickle conclusive, so auto reports them rather than msgpack\'s', () => {
    const error = decodeFailure(DJANGO.subarray(0, 10), { sniffed: true });
    expect(error).toMatchObject({ reason: 'undecodable', format: 'pickle', conclusive: true });
  });
});
