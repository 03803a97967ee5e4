import { undecodable, type DecodeError } from '../../decode-error.js';

/** The `format` name every Rails decoding error carries. */
export const RAILS_FORMAT = 'rails';

/**
 * Back-references (`@` links) one Marshal stream may follow. Each link returns the object it
 * names (never a copy), so links cost O(1); the cap only stops a stream made of nothing else.
 */
export const MAX_LINKS = 1_000_000;

/**
 * Nested reads of any kind (containers, and the `I`/`e`/`C`/`U` wrappers that the depth limit
 * does not count) allowed for a depth limit: real dumps use at most three per level. The
 * absolute cap keeps the parser's recursion well inside Node's default stack: measured under
 * vitest on Node 20, the costliest paths (I-strings whose ivars hold I-strings, MessagePack
 * extensions inside extensions) overflow at about 1300–1600 levels.
 */
export function nestingLimit(maxDepth: number): number {
  return Math.min(500, 4 * maxDepth + 64);
}

/** Bytes of one bignum (Marshal `l`, MessagePack Bigint): far above any id, far below a DoS. */
export const MAX_BIGNUM_BYTES = 4096;

/**
 * A short fixed reason, never payload content. Conclusive: the Rails magic bytes matched, no
 * other format reads them, and under `auto` the Rails reason is the one worth reporting.
 */
export function railsError(reason: string): DecodeError {
  return undecodable(reason, { format: RAILS_FORMAT, conclusive: true });
}

/**
 * Work that is not paid for by input bytes: rebuilding ActiveModel attribute sets, whose hashes
 * can be shared by many sets through links. Without a budget one shared 50k-entry hash linked
 * from 50k sets would cost 2.5 billion steps; with it the total stays linear in the input.
 */
export class WorkBudget {
  private left: number;

  constructor(inputBytes: number) {
    this.left = 2 * inputBytes + 1024;
  }

  spend(units: number): void {
    this.left -= units;
    if (this.left < 0) throw railsError('ActiveModel attribute sets exceed the work budget');
  }
}
