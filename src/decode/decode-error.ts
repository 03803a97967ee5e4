/** Why a payload could not be decoded: broken bytes, or more bytes than the caller allows. */
export type DecodeFailureReason = 'undecodable' | 'oversized';

/** Stable codes, one per reason, for callers that switch on `code` like on Node's errors. */
export const DECODE_ERROR_CODES = {
  undecodable: 'TENANTWATCH_UNDECODABLE',
  oversized: 'TENANTWATCH_OVERSIZED',
} as const satisfies Record<DecodeFailureReason, string>;

export interface DecodeErrorOptions {
  /** The format that recognised the bytes and then failed; the pipeline fills in the rest. */
  format?: string;
  /**
   * The bytes were recognised (a Keyv envelope, say) and then failed, so `auto` must not try
   * the next format: a broken envelope is not a clean JSON object.
   */
  conclusive?: boolean;
}

/**
 * A payload that cannot be decoded. The message is a short fixed reason and never quotes the
 * payload. On purpose it carries no `cause`: parser errors quote the input (V8's JSON.parse puts
 * an excerpt in its message, msgpack names the offending byte), and no payload content may leave
 * the decode step.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly reason: DecodeFailureReason;
  readonly code: (typeof DECODE_ERROR_CODES)[DecodeFailureReason];
  readonly format: string | undefined;
  readonly conclusive: boolean;

  constructor(reason: DecodeFailureReason, detail: string, options: DecodeErrorOptions = {}) {
    super(detail);
    this.reason = reason;
    this.code = DECODE_ERROR_CODES[reason];
    this.format = options.format;
    // Too many bytes is a property of the payload, not of the format guessed: never retry.
    this.conclusive = reason === 'oversized' || options.conclusive === true;
  }
}

/** Shorthand for the common case. */
export function undecodable(detail: string, options?: DecodeErrorOptions): DecodeError {
  return new DecodeError('undecodable', detail, options);
}

/** Shorthand for output that would exceed the caller's byte budget. */
export function oversized(maxBytes: number, what = 'decompressed size'): DecodeError {
  return new DecodeError('oversized', `${what} exceeds ${maxBytes} bytes`);
}
