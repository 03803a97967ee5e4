import { undecodable } from '../decode-error.js';

/**
 * The LZMA decoder beneath LZMA2 (xz), written from the LZMA specification in the LZMA SDK
 * (lzma-specification.txt) and XZ Embedded's xz_dec_lzma2.c, whose stricter checks it follows:
 * the range coder normalises before each bit, and a chunk must end exactly on its compressed
 * size with the coder's code at 0. It decodes into a buffer the caller has already sized and
 * checked against maxBytes, so it allocates nothing per chunk and cannot write past the cap.
 */

const corrupt = () => undecodable('corrupt xz stream');
const EMPTY = new Uint8Array(0);

/**
 * The range coder's range and code are unsigned 32-bit values held as int32 (V8 keeps those in
 * registers; values past 2^31 as plain numbers became doubles): products wrap through Math.imul,
 * and unsigned comparisons flip the sign bit of both sides first.
 */
const TOP_MASK = 0xff000000 | 0; // range < 2^24 ⇔ none of these bits set
const SIGN = 0x80000000 | 0;
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
  // The range coder of the chunk being decoded (LZMA2 starts a new one per chunk).
  private input: Uint8Array = EMPTY;
  private inPos = 0;
  private inEnd = 0;
  private range = 0;
  private code = 0;

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

  private normalize(): void {
    if (this.inPos >= this.inEnd) throw corrupt();
    // range < 2^24 and code < range here, so both still fit 32 bits after the shift.
    this.range <<= 8;
    this.code = (this.code << 8) | this.input[this.inPos++]!;
  }

  private bit(index: number): number {
    if ((this.range & TOP_MASK) === 0) this.normalize();
    const probs = this.probs;
    const prob = probs[index]!;
    const bound = Math.imul(this.range >>> 11, prob);
    if ((this.code ^ SIGN) < (bound ^ SIGN)) {
      this.range = bound;
      probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
      return 0;
    }
    this.range = (this.range - bound) | 0;
    this.code = (this.code - bound) | 0;
    probs[index] = prob - (prob >>> MOVE_BITS);
    return 1;
  }

  /**
   * The eight bits of a plain literal: bit() inlined with the coder in locals, since literals
   * are most of what a small cached value holds (a fresh model codes nearly every byte as one).
   */
  private plainLiteral(base: number): number {
    const probs = this.probs;
    const input = this.input;
    let range = this.range;
    let code = this.code;
    let inPos = this.inPos;
    let symbol = 1;
    while (symbol < 0x100) {
      if ((range & TOP_MASK) === 0) {
        if (inPos >= this.inEnd) throw corrupt();
        range <<= 8;
        code = (code << 8) | input[inPos++]!;
      }
      const index = base + symbol;
      const prob = probs[index]!;
      const bound = Math.imul(range >>> 11, prob);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        probs[index] = prob + ((BIT_MODEL_TOTAL - prob) >>> MOVE_BITS);
        symbol <<= 1;
      } else {
        range = (range - bound) | 0;
        code = (code - bound) | 0;
        probs[index] = prob - (prob >>> MOVE_BITS);
        symbol = (symbol << 1) | 1;
      }
    }
    this.range = range;
    this.code = code;
    this.inPos = inPos;
    return symbol;
  }

  private bitTree(base: number, bits: number): number {
    const limit = 1 << bits;
    let symbol = 1;
    while (symbol < limit) symbol = (symbol << 1) | this.bit(base + symbol);
    return symbol - limit;
  }

  private reverseBitTree(base: number, bits: number): number {
    let symbol = 1;
    let result = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(base + symbol);
      symbol = (symbol << 1) | b;
      result |= b << i;
    }
    return result;
  }

  private directBits(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      if ((this.range & TOP_MASK) === 0) this.normalize();
      this.range >>>= 1;
      let b = 0;
      if ((this.code ^ SIGN) >= (this.range ^ SIGN)) {
        this.code = (this.code - this.range) | 0;
        b = 1;
      }
      result = result * 2 + b;
    }
    return result;
  }

  private length(base: number, posState: number): number {
    if (this.bit(base) === 0) return MATCH_LEN_MIN + this.bitTree(base + 2 + posState * LEN_LOW, LEN_LOW_BITS);
    if (this.bit(base + 1) === 0) {
      return MATCH_LEN_MIN + LEN_LOW + this.bitTree(base + 2 + POS_STATES_MAX * LEN_LOW + posState * LEN_MID, LEN_MID_BITS);
    }
    return MATCH_LEN_MIN + LEN_LOW + LEN_MID + this.bitTree(base + 2 + POS_STATES_MAX * (LEN_LOW + LEN_MID), LEN_HIGH_BITS);
  }

  private distance(length: number): number {
    const distState = Math.min(length - MATCH_LEN_MIN, DIST_STATES - 1);
    const slot = this.bitTree(DIST_SLOT + distState * DIST_SLOTS, 6);
    if (slot < DIST_MODEL_START) return slot;
    const directCount = (slot >>> 1) - 1;
    // Up to 2^32 - 1 (the end marker): a plain number, not an int32.
    let distance = (2 | (slot & 1)) * 2 ** directCount;
    if (slot < DIST_MODEL_END) return distance + this.reverseBitTree(DIST_SPECIAL + distance - slot - 1, directCount);
    distance += this.directBits(directCount - ALIGN_BITS) * (1 << ALIGN_BITS);
    return distance + this.reverseBitTree(DIST_ALIGN, ALIGN_BITS);
  }

  /**
   * Decodes one LZMA2 chunk: compressed bytes input[start, end) into out[pos, outEnd). Matches
   * reach back no further than `dictStart`, where the dictionary was last reset.
   */
  decodeChunk(input: Uint8Array, start: number, end: number, out: Uint8Array, pos: number, outEnd: number, dictStart: number): void {
    try {
      this.decodeSymbols(input, start, end, out, pos, outEnd, dictStart);
    } finally {
      // The decoder outlives the call (lzma2.ts reuses it): keep no hold on the payload.
      this.input = EMPTY;
    }
  }

  private decodeSymbols(input: Uint8Array, start: number, end: number, out: Uint8Array, pos: number, outEnd: number, dictStart: number): void {
    if (end - start < 5 || input[start] !== 0) throw corrupt();
    this.input = input;
    this.inEnd = end;
    this.range = -1; // 0xFFFFFFFF
    this.code = ((input[start + 1] ?? 0) << 24) | ((input[start + 2] ?? 0) << 16) | ((input[start + 3] ?? 0) << 8) | (input[start + 4] ?? 0);
    this.inPos = start + 5;
    // The encoder's first byte is always 0, so code < range; a crafted 0xFFFFFFFF is corrupt.
    if (this.code === this.range) throw corrupt();
    const lc = this.lc;
    const literalPosMask = this.literalPosMask;
    const posMask = this.posMask;
    while (pos < outEnd) {
      const posState = (pos - dictStart) & posMask;
      let state = this.state;
      if (this.bit(IS_MATCH + state * POS_STATES_MAX + posState) === 0) {
        const prev = pos > dictStart ? out[pos - 1] ?? 0 : 0;
        const base = LITERAL + LITERAL_CODER_SIZE * ((((pos - dictStart) & literalPosMask) << lc) + (prev >>> (8 - lc)));
        let symbol = 1;
        if (state < LITERAL_STATES) {
          symbol = this.plainLiteral(base);
        } else {
          // A "matched" literal: the byte at rep0 steers the probabilities until they differ.
          const from = pos - this.rep0 - 1;
          if (from < dictStart) throw corrupt();
          let matchByte = out[from] ?? 0;
          let offset = 0x100;
          while (symbol < 0x100) {
            matchByte <<= 1;
            const matchBit = matchByte & offset;
            const b = this.bit(base + offset + matchBit + symbol);
            symbol = (symbol << 1) | b;
            offset &= b ? matchBit : ~matchBit;
          }
        }
        out[pos++] = symbol & 0xff;
        this.state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let length: number;
      if (this.bit(IS_REP + state) === 0) {
        length = this.length(MATCH_LEN, posState);
        state = state < LITERAL_STATES ? 7 : 10;
        const distance = this.distance(length);
        // 2^32 - 1 is LZMA's end marker, which LZMA2 chunks never carry.
        if (distance === 0xffffffff) throw corrupt();
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = this.rep0;
        this.rep0 = distance;
      } else {
        if (this.bit(IS_REP0 + state) === 0) {
          if (this.bit(IS_REP0_LONG + state * POS_STATES_MAX + posState) === 0) {
            // A "short rep": one byte from rep0.
            if (this.rep0 >= pos - dictStart) throw corrupt();
            this.state = state < LITERAL_STATES ? 9 : 11;
            out[pos] = out[pos - this.rep0 - 1] ?? 0;
            pos++;
            continue;
          }
        } else {
          let distance: number;
          if (this.bit(IS_REP1 + state) === 0) {
            distance = this.rep1;
          } else {
            if (this.bit(IS_REP2 + state) === 0) {
              distance = this.rep2;
            } else {
              distance = this.rep3;
              this.rep3 = this.rep2;
            }
            this.rep2 = this.rep1;
          }
          this.rep1 = this.rep0;
          this.rep0 = distance;
        }
        length = this.length(REP_LEN, posState);
        state = state < LITERAL_STATES ? 8 : 11;
      }
      this.state = state;
      const rep0 = this.rep0;
      // LZMA2's encoder never lets a match cross a chunk's end, so one that does is corrupt.
      if (rep0 >= pos - dictStart || length > outEnd - pos) throw corrupt();
      const from = pos - rep0 - 1;
      if (rep0 + 1 >= length) {
        out.copyWithin(pos, from, from + length);
      } else {
        for (let i = 0; i < length; i++) out[pos + i] = out[from + i] ?? 0;
      }
      pos += length;
    }
    // XZ Embedded's lzma_main() leaves the coder normalised, then rc_is_finished(): the chunk's
    // bytes all used, and the coder's code back at 0.
    if ((this.range & TOP_MASK) === 0) this.normalize();
    if (this.inPos !== this.inEnd || this.code !== 0) throw corrupt();
  }
}
