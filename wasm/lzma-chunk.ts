/**
 * The LZMA decoder beneath LZMA2 (xz), in AssemblyScript, compiled to WebAssembly by
 * `npm run build:wasm` into src/decode/compression/lzma-chunk-wasm.ts (test/decode/compression/
 * lzma-chunk.test.ts checks the committed module is what this file compiles to). Written from
 * the LZMA specification in the LZMA SDK (lzma-specification.txt) and XZ Embedded's
 * xz_dec_lzma2.c, whose stricter checks it follows: the range coder normalises before each bit,
 * and a chunk must end exactly on its compressed size with the coder's code at 0.
 *
 * Why WebAssembly: the same decoder in TypeScript (src/decode/compression/lzma-decoder.ts, now
 * removed) held a sweep of django-redis's xz pickles just under half the JSON sweep's rate
 * (issue 5's target); compiled, it costs a sweep markedly less CPU per key (bench:format-sweep,
 * BENCHMARKS.md).
 *
 * It touches only its own linear memory, which src/decode/compression/lzma-chunk.ts lays out and
 * sizes: the probabilities at 0, their initial values at TEMPLATE, CRC-64 tables at CRC_TABLES,
 * the compressed input from INPUT_BASE, the output after it. It reads input only below `end` and writes output only below
 * `outEnd`, and a match reaches back no further than `dictStart`; anything else is a corrupt
 * stream, reported by returning CORRUPT. It allocates nothing and has no imports.
 *
 * The range coder lives in locals and every bit is decoded inline, repeated at each place a bit
 * is read: through helpers the state lives in globals, and that decoded the 400-byte value at
 * two thirds the speed. Each copy is LZMA's rc_bit(): normalise, bound = (range >>> 11) * prob,
 * then bit 0 (code below bound) or bit 1 and its probability update.
 */

const BIT_MODEL_TOTAL: u32 = 1 << 11;
const MOVE_BITS: u32 = 5;
const PROB_INIT: u32 = BIT_MODEL_TOTAL >>> 1;

const STATES: u32 = 12;
const POS_STATES_MAX: u32 = 1 << 4;
const LITERAL_STATES: u32 = 7;
const MATCH_LEN_MIN: u32 = 2;
const DIST_STATES: u32 = 4;
const DIST_SLOTS: u32 = 64;
const DIST_MODEL_START: u32 = 4;
const DIST_MODEL_END: u32 = 14;
const FULL_DISTANCES: u32 = 1 << (DIST_MODEL_END >>> 1);
const ALIGN_BITS: u32 = 4;
const LEN_LOW_BITS: u32 = 3;
const LEN_MID_BITS: u32 = 3;
const LEN_HIGH_BITS: u32 = 8;
const LEN_LOW: u32 = 1 << LEN_LOW_BITS;
const LEN_MID: u32 = 1 << LEN_MID_BITS;
const LITERAL_CODER_SIZE: u32 = 0x300;
/** LZMA2 allows lc + lp ≤ 4, so at most 16 literal coders. */
const LITERAL_CODERS_MAX: u32 = 1 << 4;

// Offsets (in probabilities, 2 bytes each) of each group in the table at address 0.
const IS_MATCH: u32 = 0;
const IS_REP: u32 = IS_MATCH + STATES * POS_STATES_MAX;
const IS_REP0: u32 = IS_REP + STATES;
const IS_REP1: u32 = IS_REP0 + STATES;
const IS_REP2: u32 = IS_REP1 + STATES;
const IS_REP0_LONG: u32 = IS_REP2 + STATES;
const DIST_SLOT: u32 = IS_REP0_LONG + STATES * POS_STATES_MAX;
const DIST_SPECIAL: u32 = DIST_SLOT + DIST_STATES * DIST_SLOTS;
const DIST_ALIGN: u32 = DIST_SPECIAL + FULL_DISTANCES - DIST_MODEL_END;
const LEN_CODER_SIZE: u32 = 2 + POS_STATES_MAX * (LEN_LOW + LEN_MID) + (1 << LEN_HIGH_BITS);
const MATCH_LEN: u32 = DIST_ALIGN + (1 << ALIGN_BITS);
const REP_LEN: u32 = MATCH_LEN + LEN_CODER_SIZE;
const LITERAL: u32 = REP_LEN + LEN_CODER_SIZE;
const PROBS: u32 = LITERAL + LITERAL_CODER_SIZE * LITERAL_CODERS_MAX;

/** From this length on a match is copied with memory.copy (see the copy in decodeChunk). */
const LONG_MATCH: u32 = 64;
/** The probabilities' initial values, copied over them by reset(). */
const TEMPLATE: u32 = PROBS * 2;
/** Where the caller puts the compressed input; output follows it. */
export const INPUT_BASE: u32 = 131072;
/** decodeChunk's result for a stream that breaks LZMA's rules. */
export const CORRUPT: i32 = -1;

for (let i: u32 = 0; i < PROBS; i++) store<u16>(TEMPLATE + (i << 1), PROB_INIT);

// Properties and state carried from one chunk to the next within a stream.
let savedLc: u32 = 0;
let savedLiteralPosMask: u32 = 0;
let savedPosMask: u32 = 0;
let savedState: u32 = 0;
let savedRep0: u32 = 0;
let savedRep1: u32 = 0;
let savedRep2: u32 = 0;
let savedRep3: u32 = 0;

/** LZMA2's properties, already validated by the caller (lc + lp ≤ 4, pb ≤ 4). */
export function setProperties(lc: u32, lp: u32, pb: u32): void {
  savedLc = lc;
  savedLiteralPosMask = (1 << lp) - 1;
  savedPosMask = (1 << pb) - 1;
}

/** Resets probabilities, state and distances (an LZMA2 state reset). */
export function reset(): void {
  // Only the literal coders the current lc + lp use: a cached value is a few hundred bytes, and
  // initialising all sixteen coders cost more than decoding it.
  memory.copy(0, TEMPLATE, (LITERAL + (LITERAL_CODER_SIZE << (savedLc + popcnt(savedLiteralPosMask)))) << 1);
  savedState = 0;
  savedRep0 = savedRep1 = savedRep2 = savedRep3 = 0;
}

/**
 * Decodes one LZMA2 chunk: compressed bytes [start, end) into [pos, outEnd), all addresses in
 * this module's memory. Returns 0, or CORRUPT.
 */
export function decodeChunk(start: u32, end: u32, pos: u32, outEnd: u32, dictStart: u32): i32 {
  if (end - start < 5 || load<u8>(start) != 0) return CORRUPT;
  let range: u32 = 0xffffffff;
  let code: u32 = (<u32>load<u8>(start + 1) << 24) | (<u32>load<u8>(start + 2) << 16) | (<u32>load<u8>(start + 3) << 8) | <u32>load<u8>(start + 4);
  let inPos = start + 5;
  // The encoder's first byte is always 0, so code < range; a crafted 0xFFFFFFFF is corrupt.
  if (code == range) return CORRUPT;
  const lc = savedLc;
  const literalPosMask = savedLiteralPosMask;
  const posMask = savedPosMask;
  let state: u32 = savedState;
  let rep0: u32 = savedRep0;
  let rep1: u32 = savedRep1;
  let rep2: u32 = savedRep2;
  let rep3: u32 = savedRep3;
  let bit: u32 = 0;
  while (pos < outEnd) {
    const posState = (pos - dictStart) & posMask;
    if (range < 0x1000000) {
      if (inPos >= end) return CORRUPT;
      range <<= 8;
      code = (code << 8) | <u32>load<u8>(inPos++);
    }
    {
      const index = IS_MATCH + state * POS_STATES_MAX + posState;
      const prob: u32 = load<u16>(index << 1);
      const bound = (range >>> 11) * prob;
      if (code < bound) {
        range = bound;
        store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
        bit = 0;
      } else {
        range = range - bound;
        code = code - bound;
        store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
        bit = 1;
      }
    }
    if (bit == 0) {
      const prev: u32 = pos > dictStart ? <u32>load<u8>(pos - 1) : 0;
      const base = LITERAL + LITERAL_CODER_SIZE * ((((pos - dictStart) & literalPosMask) << lc) + (prev >>> (8 - lc)));
      let symbol: u32 = 1;
      if (state < LITERAL_STATES) {
        while (symbol < 0x100) {
          if (range < 0x1000000) {
            if (inPos >= end) return CORRUPT;
            range <<= 8;
            code = (code << 8) | <u32>load<u8>(inPos++);
          }
          {
            const index = base + symbol;
            const prob: u32 = load<u16>(index << 1);
            const bound = (range >>> 11) * prob;
            if (code < bound) {
              range = bound;
              store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
              bit = 0;
            } else {
              range = range - bound;
              code = code - bound;
              store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
              bit = 1;
            }
          }
          symbol = (symbol << 1) | bit;
        }
      } else {
        // A "matched" literal: the byte at rep0 steers the probabilities until they differ.
        const from = pos - rep0 - 1;
        if (rep0 >= pos - dictStart) return CORRUPT;
        let matchByte: u32 = load<u8>(from);
        let offset: u32 = 0x100;
        while (symbol < 0x100) {
          matchByte <<= 1;
          const matchBit = matchByte & offset;
          if (range < 0x1000000) {
            if (inPos >= end) return CORRUPT;
            range <<= 8;
            code = (code << 8) | <u32>load<u8>(inPos++);
          }
          {
            const index = base + offset + matchBit + symbol;
            const prob: u32 = load<u16>(index << 1);
            const bound = (range >>> 11) * prob;
            if (code < bound) {
              range = bound;
              store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
              bit = 0;
            } else {
              range = range - bound;
              code = code - bound;
              store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
              bit = 1;
            }
          }
          symbol = (symbol << 1) | bit;
          offset &= bit ? matchBit : ~matchBit;
        }
      }
      store<u8>(pos++, symbol);
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let length: u32 = 0;
    if (range < 0x1000000) {
      if (inPos >= end) return CORRUPT;
      range <<= 8;
      code = (code << 8) | <u32>load<u8>(inPos++);
    }
    {
      const index = IS_REP + state;
      const prob: u32 = load<u16>(index << 1);
      const bound = (range >>> 11) * prob;
      if (code < bound) {
        range = bound;
        store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
        bit = 0;
      } else {
        range = range - bound;
        code = code - bound;
        store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
        bit = 1;
      }
    }
    if (bit == 0) {
      if (range < 0x1000000) {
        if (inPos >= end) return CORRUPT;
        range <<= 8;
        code = (code << 8) | <u32>load<u8>(inPos++);
      }
      {
        const index = MATCH_LEN;
        const prob: u32 = load<u16>(index << 1);
        const bound = (range >>> 11) * prob;
        if (code < bound) {
          range = bound;
          store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
          bit = 0;
        } else {
          range = range - bound;
          code = code - bound;
          store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
          bit = 1;
        }
      }
      if (bit == 0) {
        {
          const treeBase = MATCH_LEN + 2 + posState * LEN_LOW;
          let symbol: u32 = 1;
          while (symbol < 8) {
            if (range < 0x1000000) {
              if (inPos >= end) return CORRUPT;
              range <<= 8;
              code = (code << 8) | <u32>load<u8>(inPos++);
            }
            {
              const index = treeBase + symbol;
              const prob: u32 = load<u16>(index << 1);
              const bound = (range >>> 11) * prob;
              if (code < bound) {
                range = bound;
                store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                bit = 0;
              } else {
                range = range - bound;
                code = code - bound;
                store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                bit = 1;
              }
            }
            symbol = (symbol << 1) | bit;
          }
          length = symbol - 8;
        }
        length += MATCH_LEN_MIN;
      } else {
        if (range < 0x1000000) {
          if (inPos >= end) return CORRUPT;
          range <<= 8;
          code = (code << 8) | <u32>load<u8>(inPos++);
        }
        {
          const index = MATCH_LEN + 1;
          const prob: u32 = load<u16>(index << 1);
          const bound = (range >>> 11) * prob;
          if (code < bound) {
            range = bound;
            store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
            bit = 0;
          } else {
            range = range - bound;
            code = code - bound;
            store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
            bit = 1;
          }
        }
        if (bit == 0) {
          {
            const treeBase = MATCH_LEN + 2 + POS_STATES_MAX * LEN_LOW + posState * LEN_MID;
            let symbol: u32 = 1;
            while (symbol < 8) {
              if (range < 0x1000000) {
                if (inPos >= end) return CORRUPT;
                range <<= 8;
                code = (code << 8) | <u32>load<u8>(inPos++);
              }
              {
                const index = treeBase + symbol;
                const prob: u32 = load<u16>(index << 1);
                const bound = (range >>> 11) * prob;
                if (code < bound) {
                  range = bound;
                  store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                  bit = 0;
                } else {
                  range = range - bound;
                  code = code - bound;
                  store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
            }
            length = symbol - 8;
          }
          length += MATCH_LEN_MIN + LEN_LOW;
        } else {
          {
            const treeBase = MATCH_LEN + 2 + POS_STATES_MAX * (LEN_LOW + LEN_MID);
            let symbol: u32 = 1;
            while (symbol < 256) {
              if (range < 0x1000000) {
                if (inPos >= end) return CORRUPT;
                range <<= 8;
                code = (code << 8) | <u32>load<u8>(inPos++);
              }
              {
                const index = treeBase + symbol;
                const prob: u32 = load<u16>(index << 1);
                const bound = (range >>> 11) * prob;
                if (code < bound) {
                  range = bound;
                  store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                  bit = 0;
                } else {
                  range = range - bound;
                  code = code - bound;
                  store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
            }
            length = symbol - 256;
          }
          length += MATCH_LEN_MIN + LEN_LOW + LEN_MID;
        }
      }
      state = state < LITERAL_STATES ? 7 : 10;
      const distState = min<u32>(length - MATCH_LEN_MIN, DIST_STATES - 1);
      let slot: u32 = 0;
      {
        const treeBase = DIST_SLOT + distState * DIST_SLOTS;
        let symbol: u32 = 1;
        while (symbol < 64) {
          if (range < 0x1000000) {
            if (inPos >= end) return CORRUPT;
            range <<= 8;
            code = (code << 8) | <u32>load<u8>(inPos++);
          }
          {
            const index = treeBase + symbol;
            const prob: u32 = load<u16>(index << 1);
            const bound = (range >>> 11) * prob;
            if (code < bound) {
              range = bound;
              store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
              bit = 0;
            } else {
              range = range - bound;
              code = code - bound;
              store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
              bit = 1;
            }
          }
          symbol = (symbol << 1) | bit;
        }
        slot = symbol - 64;
      }
      let distance = slot;
      if (slot >= DIST_MODEL_START) {
        const directCount = (slot >>> 1) - 1;
        // Up to 2^32 - 1 (the end marker), which still fits a u32.
        distance = (2 | (slot & 1)) << directCount;
        if (slot < DIST_MODEL_END) {
          {
            const treeBase = DIST_SPECIAL + distance - slot - 1;
            const count = directCount;
            let symbol: u32 = 1;
            let result: u32 = 0;
            for (let i: u32 = 0; i < count; i++) {
              if (range < 0x1000000) {
                if (inPos >= end) return CORRUPT;
                range <<= 8;
                code = (code << 8) | <u32>load<u8>(inPos++);
              }
              {
                const index = treeBase + symbol;
                const prob: u32 = load<u16>(index << 1);
                const bound = (range >>> 11) * prob;
                if (code < bound) {
                  range = bound;
                  store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                  bit = 0;
                } else {
                  range = range - bound;
                  code = code - bound;
                  store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
              result |= bit << i;
            }
            distance += result;
          }
        } else {
          let direct: u32 = 0;
          for (let i: i32 = <i32>directCount - ALIGN_BITS; i > 0; i--) {
            if (range < 0x1000000) {
              if (inPos >= end) return CORRUPT;
              range <<= 8;
              code = (code << 8) | <u32>load<u8>(inPos++);
            }
            range >>>= 1;
            let b: u32 = 0;
            if (code >= range) {
              code = code - range;
              b = 1;
            }
            direct = (direct << 1) + b;
          }
          distance += direct << ALIGN_BITS;
          {
            const treeBase = DIST_ALIGN;
            const count = ALIGN_BITS;
            let symbol: u32 = 1;
            let result: u32 = 0;
            for (let i: u32 = 0; i < count; i++) {
              if (range < 0x1000000) {
                if (inPos >= end) return CORRUPT;
                range <<= 8;
                code = (code << 8) | <u32>load<u8>(inPos++);
              }
              {
                const index = treeBase + symbol;
                const prob: u32 = load<u16>(index << 1);
                const bound = (range >>> 11) * prob;
                if (code < bound) {
                  range = bound;
                  store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                  bit = 0;
                } else {
                  range = range - bound;
                  code = code - bound;
                  store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
              result |= bit << i;
            }
            distance += result;
          }
        }
      }
      // 2^32 - 1 is LZMA's end marker, which LZMA2 chunks never carry.
      if (distance == 0xffffffff) return CORRUPT;
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      rep0 = distance;
    } else {
      if (range < 0x1000000) {
        if (inPos >= end) return CORRUPT;
        range <<= 8;
        code = (code << 8) | <u32>load<u8>(inPos++);
      }
      {
        const index = IS_REP0 + state;
        const prob: u32 = load<u16>(index << 1);
        const bound = (range >>> 11) * prob;
        if (code < bound) {
          range = bound;
          store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
          bit = 0;
        } else {
          range = range - bound;
          code = code - bound;
          store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
          bit = 1;
        }
      }
      if (bit == 0) {
        if (range < 0x1000000) {
          if (inPos >= end) return CORRUPT;
          range <<= 8;
          code = (code << 8) | <u32>load<u8>(inPos++);
        }
        {
          const index = IS_REP0_LONG + state * POS_STATES_MAX + posState;
          const prob: u32 = load<u16>(index << 1);
          const bound = (range >>> 11) * prob;
          if (code < bound) {
            range = bound;
            store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
            bit = 0;
          } else {
            range = range - bound;
            code = code - bound;
            store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
            bit = 1;
          }
        }
        if (bit == 0) {
          // A "short rep": one byte from rep0.
          if (rep0 >= pos - dictStart) return CORRUPT;
          state = state < LITERAL_STATES ? 9 : 11;
          store<u8>(pos, load<u8>(pos - rep0 - 1));
          pos++;
          continue;
        }
      } else {
        let distance: u32;
        if (range < 0x1000000) {
          if (inPos >= end) return CORRUPT;
          range <<= 8;
          code = (code << 8) | <u32>load<u8>(inPos++);
        }
        {
          const index = IS_REP1 + state;
          const prob: u32 = load<u16>(index << 1);
          const bound = (range >>> 11) * prob;
          if (code < bound) {
            range = bound;
            store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
            bit = 0;
          } else {
            range = range - bound;
            code = code - bound;
            store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
            bit = 1;
          }
        }
        if (bit == 0) {
          distance = rep1;
        } else {
          if (range < 0x1000000) {
            if (inPos >= end) return CORRUPT;
            range <<= 8;
            code = (code << 8) | <u32>load<u8>(inPos++);
          }
          {
            const index = IS_REP2 + state;
            const prob: u32 = load<u16>(index << 1);
            const bound = (range >>> 11) * prob;
            if (code < bound) {
              range = bound;
              store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
              bit = 0;
            } else {
              range = range - bound;
              code = code - bound;
              store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
              bit = 1;
            }
          }
          if (bit == 0) {
            distance = rep2;
          } else {
            distance = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = distance;
      }
      if (range < 0x1000000) {
        if (inPos >= end) return CORRUPT;
        range <<= 8;
        code = (code << 8) | <u32>load<u8>(inPos++);
      }
      {
        const index = REP_LEN;
        const prob: u32 = load<u16>(index << 1);
        const bound = (range >>> 11) * prob;
        if (code < bound) {
          range = bound;
          store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
          bit = 0;
        } else {
          range = range - bound;
          code = code - bound;
          store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
          bit = 1;
        }
      }
      if (bit == 0) {
        {
          const treeBase = REP_LEN + 2 + posState * LEN_LOW;
          let symbol: u32 = 1;
          while (symbol < 8) {
            if (range < 0x1000000) {
              if (inPos >= end) return CORRUPT;
              range <<= 8;
              code = (code << 8) | <u32>load<u8>(inPos++);
            }
            {
              const index = treeBase + symbol;
              const prob: u32 = load<u16>(index << 1);
              const bound = (range >>> 11) * prob;
              if (code < bound) {
                range = bound;
                store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                bit = 0;
              } else {
                range = range - bound;
                code = code - bound;
                store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                bit = 1;
              }
            }
            symbol = (symbol << 1) | bit;
          }
          length = symbol - 8;
        }
        length += MATCH_LEN_MIN;
      } else {
        if (range < 0x1000000) {
          if (inPos >= end) return CORRUPT;
          range <<= 8;
          code = (code << 8) | <u32>load<u8>(inPos++);
        }
        {
          const index = REP_LEN + 1;
          const prob: u32 = load<u16>(index << 1);
          const bound = (range >>> 11) * prob;
          if (code < bound) {
            range = bound;
            store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
            bit = 0;
          } else {
            range = range - bound;
            code = code - bound;
            store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
            bit = 1;
          }
        }
        if (bit == 0) {
          {
            const treeBase = REP_LEN + 2 + POS_STATES_MAX * LEN_LOW + posState * LEN_MID;
            let symbol: u32 = 1;
            while (symbol < 8) {
              if (range < 0x1000000) {
                if (inPos >= end) return CORRUPT;
                range <<= 8;
                code = (code << 8) | <u32>load<u8>(inPos++);
              }
              {
                const index = treeBase + symbol;
                const prob: u32 = load<u16>(index << 1);
                const bound = (range >>> 11) * prob;
                if (code < bound) {
                  range = bound;
                  store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                  bit = 0;
                } else {
                  range = range - bound;
                  code = code - bound;
                  store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
            }
            length = symbol - 8;
          }
          length += MATCH_LEN_MIN + LEN_LOW;
        } else {
          {
            const treeBase = REP_LEN + 2 + POS_STATES_MAX * (LEN_LOW + LEN_MID);
            let symbol: u32 = 1;
            while (symbol < 256) {
              if (range < 0x1000000) {
                if (inPos >= end) return CORRUPT;
                range <<= 8;
                code = (code << 8) | <u32>load<u8>(inPos++);
              }
              {
                const index = treeBase + symbol;
                const prob: u32 = load<u16>(index << 1);
                const bound = (range >>> 11) * prob;
                if (code < bound) {
                  range = bound;
                  store<u16>(index << 1, prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS));
                  bit = 0;
                } else {
                  range = range - bound;
                  code = code - bound;
                  store<u16>(index << 1, prob - (prob >>> MOVE_BITS));
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
            }
            length = symbol - 256;
          }
          length += MATCH_LEN_MIN + LEN_LOW + LEN_MID;
        }
      }
      state = state < LITERAL_STATES ? 8 : 11;
    }
    // LZMA2's encoder never lets a match cross a chunk's end, so one that does is corrupt.
    if (rep0 >= pos - dictStart || length > outEnd - pos) return CORRUPT;
    const from = pos - rep0 - 1;
    // Most matches in a cached value are a few bytes: a loop beats memory.copy's call for those.
    // (The loop also repeats an overlapping match's period correctly, byte by byte.)
    if (length >= LONG_MATCH && rep0 + 1 >= length) {
      memory.copy(pos, from, length);
    } else {
      for (let i: u32 = 0; i < length; i++) store<u8>(pos + i, load<u8>(from + i));
    }
    pos += length;
  }
  savedState = state;
  savedRep0 = rep0;
  savedRep1 = rep1;
  savedRep2 = rep2;
  savedRep3 = rep3;
  // XZ Embedded's lzma_main() leaves the coder normalised, then rc_is_finished(): the chunk's
  // bytes all used, and the coder's code back at 0.
  if (range < 0x1000000) {
    if (inPos >= end) return CORRUPT;
    range <<= 8;
    code = (code << 8) | <u32>load<u8>(inPos++);
  }
  if (inPos != end || code != 0) return CORRUPT;
  return 0;
}

/**
 * CRC-64/XZ (ECMA-182, reflected), the check Python's lzma.compress writes after each block:
 * eight tables of 256 u64 for slicing by eight, table k holding the CRC of byte i followed by k
 * zero bytes. Here rather than in TypeScript because the block is already in this memory, and a
 * u64 table lookup is one load here against two 32-bit halves there.
 */
const CRC_TABLES: u32 = 65536;
const CRC64_POLY: u64 = (<u64>0xc96c5795 << 32) | 0xd7870f42;

for (let i: u32 = 0; i < 256; i++) {
  let c: u64 = i;
  for (let j = 0; j < 8; j++) c = c & 1 ? (c >> 1) ^ CRC64_POLY : c >> 1;
  store<u64>(CRC_TABLES + (i << 3), c);
}
for (let k: u32 = 1; k < 8; k++) {
  for (let i: u32 = 0; i < 256; i++) {
    const previous = load<u64>(CRC_TABLES + ((k - 1) << 11) + (i << 3));
    store<u64>(CRC_TABLES + (k << 11) + (i << 3), (previous >> 8) ^ load<u64>(CRC_TABLES + (<u32>(previous & 0xff) << 3)));
  }
}

/** Whether the CRC-64 of [start, end) equals the 8 little-endian bytes at `expected`. */
export function crc64Matches(start: u32, end: u32, expected: u32): bool {
  let crc: u64 = ~(<u64>0);
  let i = start;
  for (; end - i >= 8; i += 8) {
    const x = crc ^ load<u64>(i);
    crc =
      load<u64>(CRC_TABLES + (7 << 11) + (<u32>(x & 0xff) << 3)) ^
      load<u64>(CRC_TABLES + (6 << 11) + (<u32>((x >> 8) & 0xff) << 3)) ^
      load<u64>(CRC_TABLES + (5 << 11) + (<u32>((x >> 16) & 0xff) << 3)) ^
      load<u64>(CRC_TABLES + (4 << 11) + (<u32>((x >> 24) & 0xff) << 3)) ^
      load<u64>(CRC_TABLES + (3 << 11) + (<u32>((x >> 32) & 0xff) << 3)) ^
      load<u64>(CRC_TABLES + (2 << 11) + (<u32>((x >> 40) & 0xff) << 3)) ^
      load<u64>(CRC_TABLES + (1 << 11) + (<u32>((x >> 48) & 0xff) << 3)) ^
      load<u64>(CRC_TABLES + (<u32>(x >> 56) << 3));
  }
  for (; i < end; i++) crc = load<u64>(CRC_TABLES + (<u32>((crc ^ <u64>load<u8>(i)) & 0xff) << 3)) ^ (crc >> 8);
  return ~crc == load<u64>(expected);
}
