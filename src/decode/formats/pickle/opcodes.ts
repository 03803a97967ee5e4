/**
 * Pickle opcodes, protocols 0–5, named as in CPython's Lib/pickle.py (and pickletools). Every
 * opcode is one byte; the comment gives its argument.
 */
export const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  FLOAT: 0x46, // F  text line
  INT: 0x49, // I  text line
  BININT: 0x4a, // J  int32 LE
  BININT1: 0x4b, // K  uint8
  LONG: 0x4c, // L  text line ending in L
  BININT2: 0x4d, // M  uint16 LE
  NONE: 0x4e, // N
  PERSID: 0x50, // P  text line
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  STRING: 0x53, // S  quoted text line (Python 2 str)
  BINSTRING: 0x54, // T  uint32 length
  SHORT_BINSTRING: 0x55, // U  uint8 length
  UNICODE: 0x56, // V  raw-unicode-escape text line
  BINUNICODE: 0x58, // X  uint32 length, UTF-8
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c  module\nname\n
  DICT: 0x64, // d
  EMPTY_DICT: 0x7d, // }
  APPENDS: 0x65, // e
  GET: 0x67, // g  text line
  BINGET: 0x68, // h  uint8
  INST: 0x69, // i  module\nname\n
  LONG_BINGET: 0x6a, // j  uint32
  LIST: 0x6c, // l
  EMPTY_LIST: 0x5d, // ]
  OBJ: 0x6f, // o
  PUT: 0x70, // p  text line
  BINPUT: 0x71, // q  uint8
  LONG_BINPUT: 0x72, // r  uint32
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  EMPTY_TUPLE: 0x29, // )
  SETITEMS: 0x75, // u
  BINFLOAT: 0x47, // G  float64 BE
  // Protocol 2
  PROTO: 0x80, // uint8
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a, // uint8 length, two's complement LE
  LONG4: 0x8b, // int32 length
  // Protocol 3
  BINBYTES: 0x42, // B  uint32 length
  SHORT_BINBYTES: 0x43, // C  uint8 length
  // Protocol 4
  SHORT_BINUNICODE: 0x8c, // uint8 length
  BINUNICODE8: 0x8d, // uint64 length
  BINBYTES8: 0x8e, // uint64 length
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95, // uint64 length
  // Protocol 5
  BYTEARRAY8: 0x96, // uint64 length
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

/** The highest protocol CPython writes (3.8+). */
export const HIGHEST_PROTOCOL = 5;
