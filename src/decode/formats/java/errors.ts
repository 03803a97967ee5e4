import { undecodable, type DecodeError } from '../../decode-error.js';

/**
 * A Java stream that passed the magic check and then failed. `reason` is a fixed text: class and
 * field names come from the payload, so none is ever quoted (a class name can carry anything,
 * "tenant=globex" included), not even a plausible-looking one. Conclusive: AC ED 00 05 is this
 * format's alone, so `auto` must not go on to guess another format for the same bytes.
 */
export function javaError(reason: string): DecodeError {
  return undecodable(reason, { format: 'java', conclusive: true });
}
