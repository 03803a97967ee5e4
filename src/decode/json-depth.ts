const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Index of the quote that closes the string opened just before `from`, or -1 when unterminated. */
function closingQuote(bytes: Uint8Array, from: number): number {
  // indexOf is a native memchr: much faster than a byte loop over long string values.
  let quote = bytes.indexOf(QUOTE, from);
  while (quote !== -1) {
    let backslashes = 0;
    for (let k = quote - 1; k >= from && bytes[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = bytes.indexOf(QUOTE, quote + 1);
  }
  return -1;
}

/**
 * Whether JSON text nests objects and arrays deeper than `maxDepth` (`{}` is depth 1).
 * Runs before JSON.parse so a hostile 10,000-deep payload never reaches the parser or, later, a
 * recursive marker walk. Only bracket nesting outside strings counts; the text need not be valid
 * (JSON.parse judges that). No allocation: this is on the path of every cached value.
 */
export function exceedsJsonDepth(bytes: Uint8Array, maxDepth: number): boolean {
  const length = bytes.length;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      const end = closingQuote(bytes, i + 1);
      if (end === -1) return false;
      i = end;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
