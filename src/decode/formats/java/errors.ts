import { undecodable, type DecodeError } from '../../decode-error.js';

/**
 * A Java stream that passed the magic check and then failed. Conclusive: AC ED 00 05 is this
 * format's alone, so `auto` must not go on to guess another format for the same bytes.
 */
export function javaError(reason: string): DecodeError {
  return undecodable(reason, { format: 'java', conclusive: true });
}

// Class names come from the payload: only a plain Java binary name (letters, digits, `_`, `$`,
// dots), short enough for a log line, is shown; anything else is not quoted at all.
const PLAIN_CLASS_NAME = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/** A class name fit for an error message. */
export function safeClassName(name: string): string {
  return name.length <= 120 && PLAIN_CLASS_NAME.test(name) ? name : '(unprintable class name)';
}
