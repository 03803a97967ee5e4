import { undecodable } from './decode-error.js';

// One shared decoder: TextDecoder is stateless between whole-buffer decode() calls, and the hot
// path must not allocate one per payload. `fatal` turns invalid UTF-8 into an error instead of
// U+FFFD, so a mangled marker can never compare equal to a real one by accident.
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, refusing invalid sequences (a leading BOM is dropped, as JSON.parse expects). */
export function decodeUtf8(bytes: Uint8Array, format: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw undecodable('invalid UTF-8', { format });
  }
}
