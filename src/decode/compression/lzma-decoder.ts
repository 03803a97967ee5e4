import { undecodable } from '../decode-error.js';

/**
 * The LZMA decoder beneath LZMA2 (xz), written from the LZMA specification in the LZMA SDK
 * (lzma-specification.txt) and XZ Embedded's xz_dec_lzma2.c, whose stricter checks it follows:
 * the range coder normalises before each bit, and a chunk must end exactly on its compressed
 * size with the coder's code at 0. It decodes into a buffer the caller has already sized and
 * checked against maxBytes, so it allocates nothing per chunk and cannot write past the cap.
 */

const corrupt = () => undecodable('corrupt xz stream');

/**
 * The range coder's range and code are unsigned 32-bit values held as int32 (V8 keeps those in
 * registers; values past 2^31 as plain numbers became doubles): products wrap through Math.imul,
 * and unsigned comparisons flip the sign bit of both sides first.
 */
const TOP_MASK = 0xff000000 | 0; // range < 2^24 ⇔ none of these bits set
const SIGN = 0x80000000 | 0;
/** From this length on a match is copied with copyWithin (see the copy in decodeChunk). */
const LONG_MATCH = 64;
const BIT_MODEL_TOTAL = 1 << 11;
const MOVE_BITS = 5;
const PROB_INIT = BIT_MODEL_TOTAL >>> 1;

const STATES = 12;
const POS_STATES_MAX = 1 << 4;
const LITERAL_STATES = 7;
const MATCH_LEN_MIN = 2;
const DIST_STATES = 4;
const DIST_SLOTS = 64;
const DIST_MODEL_START = 4;
const DIST_MODEL_END = 14;
const FULL_DISTANCES = 1 << (DIST_MODEL_END >>> 1);
const ALIGN_BITS = 4;
const LEN_LOW_BITS = 3;
const LEN_MID_BITS = 3;
const LEN_HIGH_BITS = 8;
const LEN_LOW = 1 << LEN_LOW_BITS;
const LEN_MID = 1 << LEN_MID_BITS;
const LITERAL_CODER_SIZE = 0x300;
/** LZMA2 allows lc + lp ≤ 4, so at most 16 literal coders. */
const LITERAL_CODERS_MAX = 1 << 4;

// Offsets of each probability group in one Uint16Array.
const IS_MATCH = 0;
const IS_REP = IS_MATCH + STATES * POS_STATES_MAX;
const IS_REP0 = IS_REP + STATES;
const IS_REP1 = IS_REP0 + STATES;
const IS_REP2 = IS_REP1 + STATES;
const IS_REP0_LONG = IS_REP2 + STATES;
const DIST_SLOT = IS_REP0_LONG + STATES * POS_STATES_MAX;
const DIST_SPECIAL = DIST_SLOT + DIST_STATES * DIST_SLOTS;
const DIST_ALIGN = DIST_SPECIAL + FULL_DISTANCES - DIST_MODEL_END;
const LEN_CODER_SIZE = 2 + POS_STATES_MAX * (LEN_LOW + LEN_MID) + (1 << LEN_HIGH_BITS);
const MATCH_LEN = DIST_ALIGN + (1 << ALIGN_BITS);
const REP_LEN = MATCH_LEN + LEN_CODER_SIZE;
const LITERAL = REP_LEN + LEN_CODER_SIZE;
const PROBS = LITERAL + LITERAL_CODER_SIZE * LITERAL_CODERS_MAX;

/** One LZMA2 stream's LZMA state: properties, probabilities, state and the four last distances. */
export class LzmaDecoder {
  private readonly probs = new Uint16Array(PROBS);
  private lc = 0;
  private lp = 0;
  private literalPosMask = 0;
  private posMask = 0;
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  /** LZMA2's properties byte: (pb * 5 + lp) * 9 + lc, with lc + lp ≤ 4. */
  setProperties(byte: number): void {
    if (byte > (4 * 5 + 4) * 9 + 8) throw corrupt();
    const lc = byte % 9;
    const lp = Math.floor(byte / 9) % 5;
    const pb = Math.floor(byte / 45);
    if (lc + lp > 4) throw corrupt();
    this.lc = lc;
    this.lp = lp;
    this.literalPosMask = (1 << lp) - 1;
    this.posMask = (1 << pb) - 1;
  }

  /** Resets probabilities, state and distances (an LZMA2 state reset). */
  reset(): void {
    // Only the literal coders the current lc + lp use: a cached value is a few hundred bytes, and
    // initialising all sixteen coders cost more than decoding it.
    const literalCoders = 1 << (this.lc + this.lp);
    this.probs.fill(PROB_INIT, 0, LITERAL + LITERAL_CODER_SIZE * literalCoders);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /**
   * Decodes one LZMA2 chunk: compressed bytes input[start, end) into out[pos, outEnd). Matches
   * reach back no further than `dictStart`, where the dictionary was last reset.
   *
   * One function with the range coder in locals (range, code, inPos) and every bit decoded
   * inline, repeated at each place a bit is read: through methods and fields the coder was
   * slower for a 400-byte value. Each copy is LZMA's rc_bit(): normalise, bound =
   * (range >>> 11) * prob, then bit 0 (code below bound) or bit 1 and its probability update.
   */
  decodeChunk(input: Uint8Array, start: number, end: number, out: Uint8Array, pos: number, outEnd: number, dictStart: number): void {
    if (end - start < 5 || input[start] !== 0) throw corrupt();
    let range = -1; // 0xFFFFFFFF
    let code = ((input[start + 1] ?? 0) << 24) | ((input[start + 2] ?? 0) << 16) | ((input[start + 3] ?? 0) << 8) | (input[start + 4] ?? 0);
    let inPos = start + 5;
    // The encoder's first byte is always 0, so code < range; a crafted 0xFFFFFFFF is corrupt.
    if (code === range) throw corrupt();
    const probs = this.probs;
    const lc = this.lc;
    const literalPosMask = this.literalPosMask;
    const posMask = this.posMask;
    let state = this.state;
    let rep0 = this.rep0;
    let rep1 = this.rep1;
    let rep2 = this.rep2;
    let rep3 = this.rep3;
    let bit = 0;
    while (pos < outEnd) {
      const posState = (pos - dictStart) & posMask;
      if ((range & TOP_MASK) === 0) {
        if (inPos >= end) throw corrupt();
        range <<= 8;
        code = (code << 8) | input[inPos++]!;
      }
      {
        const index = IS_MATCH + state * POS_STATES_MAX + posState;
        const prob = probs[index]!;
        const bound = Math.imul(range >>> 11, prob);
        if ((code ^ SIGN) < (bound ^ SIGN)) {
          range = bound;
          probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
          bit = 0;
        } else {
          range = (range - bound) | 0;
          code = (code - bound) | 0;
          probs[index] = prob - (prob >>> MOVE_BITS);
          bit = 1;
        }
      }
      if (bit === 0) {
        const prev = pos > dictStart ? out[pos - 1]! : 0;
        const base = LITERAL + LITERAL_CODER_SIZE * ((((pos - dictStart) & literalPosMask) << lc) + (prev >>> (8 - lc)));
        let symbol = 1;
        if (state < LITERAL_STATES) {
          while (symbol < 0x100) {
            if ((range & TOP_MASK) === 0) {
              if (inPos >= end) throw corrupt();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            {
              const index = base + symbol;
              const prob = probs[index]!;
              const bound = Math.imul(range >>> 11, prob);
              if ((code ^ SIGN) < (bound ^ SIGN)) {
                range = bound;
                probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                bit = 0;
              } else {
                range = (range - bound) | 0;
                code = (code - bound) | 0;
                probs[index] = prob - (prob >>> MOVE_BITS);
                bit = 1;
              }
            }
            symbol = (symbol << 1) | bit;
          }
        } else {
          // A "matched" literal: the byte at rep0 steers the probabilities until they differ.
          const from = pos - rep0 - 1;
          if (from < dictStart) throw corrupt();
          let matchByte = out[from]!;
          let offset = 0x100;
          while (symbol < 0x100) {
            matchByte <<= 1;
            const matchBit = matchByte & offset;
            if ((range & TOP_MASK) === 0) {
              if (inPos >= end) throw corrupt();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            {
              const index = base + offset + matchBit + symbol;
              const prob = probs[index]!;
              const bound = Math.imul(range >>> 11, prob);
              if ((code ^ SIGN) < (bound ^ SIGN)) {
                range = bound;
                probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                bit = 0;
              } else {
                range = (range - bound) | 0;
                code = (code - bound) | 0;
                probs[index] = prob - (prob >>> MOVE_BITS);
                bit = 1;
              }
            }
            symbol = (symbol << 1) | bit;
            offset &= bit ? matchBit : ~matchBit;
          }
        }
        out[pos++] = symbol & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let length = 0;
      if ((range & TOP_MASK) === 0) {
        if (inPos >= end) throw corrupt();
        range <<= 8;
        code = (code << 8) | input[inPos++]!;
      }
      {
        const index = IS_REP + state;
        const prob = probs[index]!;
        const bound = Math.imul(range >>> 11, prob);
        if ((code ^ SIGN) < (bound ^ SIGN)) {
          range = bound;
          probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
          bit = 0;
        } else {
          range = (range - bound) | 0;
          code = (code - bound) | 0;
          probs[index] = prob - (prob >>> MOVE_BITS);
          bit = 1;
        }
      }
      if (bit === 0) {
        if ((range & TOP_MASK) === 0) {
          if (inPos >= end) throw corrupt();
          range <<= 8;
          code = (code << 8) | input[inPos++]!;
        }
        {
          const index = MATCH_LEN;
          const prob = probs[index]!;
          const bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
            bit = 0;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> MOVE_BITS);
            bit = 1;
          }
        }
        if (bit === 0) {
          {
            const treeBase = MATCH_LEN + 2 + posState * LEN_LOW;
            let symbol = 1;
            while (symbol < 8) {
              if ((range & TOP_MASK) === 0) {
                if (inPos >= end) throw corrupt();
                range <<= 8;
                code = (code << 8) | input[inPos++]!;
              }
              {
                const index = treeBase + symbol;
                const prob = probs[index]!;
                const bound = Math.imul(range >>> 11, prob);
                if ((code ^ SIGN) < (bound ^ SIGN)) {
                  range = bound;
                  probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                  bit = 0;
                } else {
                  range = (range - bound) | 0;
                  code = (code - bound) | 0;
                  probs[index] = prob - (prob >>> MOVE_BITS);
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
            }
            length = symbol - 8;
          }
          length += MATCH_LEN_MIN;
        } else {
          if ((range & TOP_MASK) === 0) {
            if (inPos >= end) throw corrupt();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          {
            const index = MATCH_LEN + 1;
            const prob = probs[index]!;
            const bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
              bit = 0;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> MOVE_BITS);
              bit = 1;
            }
          }
          if (bit === 0) {
            {
              const treeBase = MATCH_LEN + 2 + POS_STATES_MAX * LEN_LOW + posState * LEN_MID;
              let symbol = 1;
              while (symbol < 8) {
                if ((range & TOP_MASK) === 0) {
                  if (inPos >= end) throw corrupt();
                  range <<= 8;
                  code = (code << 8) | input[inPos++]!;
                }
                {
                  const index = treeBase + symbol;
                  const prob = probs[index]!;
                  const bound = Math.imul(range >>> 11, prob);
                  if ((code ^ SIGN) < (bound ^ SIGN)) {
                    range = bound;
                    probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                    bit = 0;
                  } else {
                    range = (range - bound) | 0;
                    code = (code - bound) | 0;
                    probs[index] = prob - (prob >>> MOVE_BITS);
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
              let symbol = 1;
              while (symbol < 256) {
                if ((range & TOP_MASK) === 0) {
                  if (inPos >= end) throw corrupt();
                  range <<= 8;
                  code = (code << 8) | input[inPos++]!;
                }
                {
                  const index = treeBase + symbol;
                  const prob = probs[index]!;
                  const bound = Math.imul(range >>> 11, prob);
                  if ((code ^ SIGN) < (bound ^ SIGN)) {
                    range = bound;
                    probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                    bit = 0;
                  } else {
                    range = (range - bound) | 0;
                    code = (code - bound) | 0;
                    probs[index] = prob - (prob >>> MOVE_BITS);
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
        const distState = Math.min(length - MATCH_LEN_MIN, DIST_STATES - 1);
        let slot = 0;
        {
          const treeBase = DIST_SLOT + distState * DIST_SLOTS;
          let symbol = 1;
          while (symbol < 64) {
            if ((range & TOP_MASK) === 0) {
              if (inPos >= end) throw corrupt();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            {
              const index = treeBase + symbol;
              const prob = probs[index]!;
              const bound = Math.imul(range >>> 11, prob);
              if ((code ^ SIGN) < (bound ^ SIGN)) {
                range = bound;
                probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                bit = 0;
              } else {
                range = (range - bound) | 0;
                code = (code - bound) | 0;
                probs[index] = prob - (prob >>> MOVE_BITS);
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
          // Up to 2^32 - 1 (the end marker): a plain number, not an int32.
          distance = (2 | (slot & 1)) * 2 ** directCount;
          if (slot < DIST_MODEL_END) {
            {
              const treeBase = DIST_SPECIAL + distance - slot - 1;
              const count = directCount;
              let symbol = 1;
              let result = 0;
              for (let i = 0; i < count; i++) {
                if ((range & TOP_MASK) === 0) {
                  if (inPos >= end) throw corrupt();
                  range <<= 8;
                  code = (code << 8) | input[inPos++]!;
                }
                {
                  const index = treeBase + symbol;
                  const prob = probs[index]!;
                  const bound = Math.imul(range >>> 11, prob);
                  if ((code ^ SIGN) < (bound ^ SIGN)) {
                    range = bound;
                    probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                    bit = 0;
                  } else {
                    range = (range - bound) | 0;
                    code = (code - bound) | 0;
                    probs[index] = prob - (prob >>> MOVE_BITS);
                    bit = 1;
                  }
                }
                symbol = (symbol << 1) | bit;
                result |= bit << i;
              }
              distance += result;
            }
          } else {
            let direct = 0;
            for (let i = directCount - ALIGN_BITS; i > 0; i--) {
              if ((range & TOP_MASK) === 0) {
                if (inPos >= end) throw corrupt();
                range <<= 8;
                code = (code << 8) | input[inPos++]!;
              }
              range >>>= 1;
              let b = 0;
              if ((code ^ SIGN) >= (range ^ SIGN)) {
                code = (code - range) | 0;
                b = 1;
              }
              direct = direct * 2 + b;
            }
            distance += direct * (1 << ALIGN_BITS);
            {
              const treeBase = DIST_ALIGN;
              const count = ALIGN_BITS;
              let symbol = 1;
              let result = 0;
              for (let i = 0; i < count; i++) {
                if ((range & TOP_MASK) === 0) {
                  if (inPos >= end) throw corrupt();
                  range <<= 8;
                  code = (code << 8) | input[inPos++]!;
                }
                {
                  const index = treeBase + symbol;
                  const prob = probs[index]!;
                  const bound = Math.imul(range >>> 11, prob);
                  if ((code ^ SIGN) < (bound ^ SIGN)) {
                    range = bound;
                    probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                    bit = 0;
                  } else {
                    range = (range - bound) | 0;
                    code = (code - bound) | 0;
                    probs[index] = prob - (prob >>> MOVE_BITS);
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
        if (distance === 0xffffffff) throw corrupt();
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        rep0 = distance;
      } else {
        if ((range & TOP_MASK) === 0) {
          if (inPos >= end) throw corrupt();
          range <<= 8;
          code = (code << 8) | input[inPos++]!;
        }
        {
          const index = IS_REP0 + state;
          const prob = probs[index]!;
          const bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
            bit = 0;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> MOVE_BITS);
            bit = 1;
          }
        }
        if (bit === 0) {
          if ((range & TOP_MASK) === 0) {
            if (inPos >= end) throw corrupt();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          {
            const index = IS_REP0_LONG + state * POS_STATES_MAX + posState;
            const prob = probs[index]!;
            const bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
              bit = 0;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> MOVE_BITS);
              bit = 1;
            }
          }
          if (bit === 0) {
            // A "short rep": one byte from rep0.
            if (rep0 >= pos - dictStart) throw corrupt();
            state = state < LITERAL_STATES ? 9 : 11;
            out[pos] = out[pos - rep0 - 1]!;
            pos++;
            continue;
          }
        } else {
          let distance: number;
          if ((range & TOP_MASK) === 0) {
            if (inPos >= end) throw corrupt();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          {
            const index = IS_REP1 + state;
            const prob = probs[index]!;
            const bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
              bit = 0;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> MOVE_BITS);
              bit = 1;
            }
          }
          if (bit === 0) {
            distance = rep1;
          } else {
            if ((range & TOP_MASK) === 0) {
              if (inPos >= end) throw corrupt();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            {
              const index = IS_REP2 + state;
              const prob = probs[index]!;
              const bound = Math.imul(range >>> 11, prob);
              if ((code ^ SIGN) < (bound ^ SIGN)) {
                range = bound;
                probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                bit = 0;
              } else {
                range = (range - bound) | 0;
                code = (code - bound) | 0;
                probs[index] = prob - (prob >>> MOVE_BITS);
                bit = 1;
              }
            }
            if (bit === 0) {
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
        if ((range & TOP_MASK) === 0) {
          if (inPos >= end) throw corrupt();
          range <<= 8;
          code = (code << 8) | input[inPos++]!;
        }
        {
          const index = REP_LEN;
          const prob = probs[index]!;
          const bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
            bit = 0;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> MOVE_BITS);
            bit = 1;
          }
        }
        if (bit === 0) {
          {
            const treeBase = REP_LEN + 2 + posState * LEN_LOW;
            let symbol = 1;
            while (symbol < 8) {
              if ((range & TOP_MASK) === 0) {
                if (inPos >= end) throw corrupt();
                range <<= 8;
                code = (code << 8) | input[inPos++]!;
              }
              {
                const index = treeBase + symbol;
                const prob = probs[index]!;
                const bound = Math.imul(range >>> 11, prob);
                if ((code ^ SIGN) < (bound ^ SIGN)) {
                  range = bound;
                  probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                  bit = 0;
                } else {
                  range = (range - bound) | 0;
                  code = (code - bound) | 0;
                  probs[index] = prob - (prob >>> MOVE_BITS);
                  bit = 1;
                }
              }
              symbol = (symbol << 1) | bit;
            }
            length = symbol - 8;
          }
          length += MATCH_LEN_MIN;
        } else {
          if ((range & TOP_MASK) === 0) {
            if (inPos >= end) throw corrupt();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          {
            const index = REP_LEN + 1;
            const prob = probs[index]!;
            const bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
              bit = 0;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> MOVE_BITS);
              bit = 1;
            }
          }
          if (bit === 0) {
            {
              const treeBase = REP_LEN + 2 + POS_STATES_MAX * LEN_LOW + posState * LEN_MID;
              let symbol = 1;
              while (symbol < 8) {
                if ((range & TOP_MASK) === 0) {
                  if (inPos >= end) throw corrupt();
                  range <<= 8;
                  code = (code << 8) | input[inPos++]!;
                }
                {
                  const index = treeBase + symbol;
                  const prob = probs[index]!;
                  const bound = Math.imul(range >>> 11, prob);
                  if ((code ^ SIGN) < (bound ^ SIGN)) {
                    range = bound;
                    probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                    bit = 0;
                  } else {
                    range = (range - bound) | 0;
                    code = (code - bound) | 0;
                    probs[index] = prob - (prob >>> MOVE_BITS);
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
              let symbol = 1;
              while (symbol < 256) {
                if ((range & TOP_MASK) === 0) {
                  if (inPos >= end) throw corrupt();
                  range <<= 8;
                  code = (code << 8) | input[inPos++]!;
                }
                {
                  const index = treeBase + symbol;
                  const prob = probs[index]!;
                  const bound = Math.imul(range >>> 11, prob);
                  if ((code ^ SIGN) < (bound ^ SIGN)) {
                    range = bound;
                    probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
                    bit = 0;
                  } else {
                    range = (range - bound) | 0;
                    code = (code - bound) | 0;
                    probs[index] = prob - (prob >>> MOVE_BITS);
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
      if (rep0 >= pos - dictStart || length > outEnd - pos) throw corrupt();
      const from = pos - rep0 - 1;
      // Most matches in a cached value are a few bytes: a loop beats copyWithin's call for those.
      // (The loop also repeats an overlapping match's period correctly, byte by byte.)
      if (length >= LONG_MATCH && rep0 + 1 >= length) {
        out.copyWithin(pos, from, from + length);
      } else {
        for (let i = 0; i < length; i++) out[pos + i] = out[from + i]!;
      }
      pos += length;
    }
    this.state = state;
    this.rep0 = rep0;
    this.rep1 = rep1;
    this.rep2 = rep2;
    this.rep3 = rep3;
    // XZ Embedded's lzma_main() leaves the coder normalised, then rc_is_finished(): the chunk's
    // bytes all used, and the coder's code back at 0.
    if ((range & TOP_MASK) === 0) {
      if (inPos >= end) throw corrupt();
      range <<= 8;
      code = (code << 8) | input[inPos++]!;
    }
    if (inPos !== end || code !== 0) throw corrupt();
  }
}
