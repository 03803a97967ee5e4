/**
 * A decompression thread could not answer: it died, its message could not be read, the pool
 * was closed, or it hit an error that is not a property of a payload (`bug`). The values it
 * held were not decoded; decodeReads decodes them on the caller's thread instead.
 */
export class DecompressThreadFailed extends Error {
  override readonly name = 'DecompressThreadFailed';
  readonly code = 'TENANTWATCH_DECOMPRESS_THREAD';
  /** The thread threw a non-DecodeError: decoding in process would throw it too. */
  readonly bug: boolean;

  constructor(message: string, options: { cause?: unknown; bug?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.bug = options.bug === true;
  }
}
