import type { FormatDecoder } from './format-decoder.js';
import { decodeUtf8 } from '../utf8.js';

/** Plain UTF-8 text; only when a pattern names it. */
export const textFormat: FormatDecoder = {
  name: 'text',
  // SPEC §2: `auto` never falls back to text. Almost any byte string is "text", so accepting it
  // here would turn every unrecognised payload into a clean-looking unmarked string.
  sniff: () => false,
  decode: (bytes) => decodeUtf8(bytes, 'text'),
};
