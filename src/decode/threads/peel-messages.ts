import type { DecodeFailureReason } from '../decode-error.js';
import type { CompressionName } from '../../types.js';

/**
 * A job for a decompression thread: values laid end to end in one transferred buffer, each
 * with the compression and byte cap its pattern names.
 */
export interface PeelRequest {
  id: number;
  input: ArrayBuffer;
  /** Where each value ends in `input`. */
  ends: number[];
  compressions: CompressionName[];
  maxBytes: number[];
}

/**
 * A thread stops a job once its answer holds this many bytes and answers for the values done
 * so far; the pool sends the rest again. A batch of large values that inflate a hundredfold
 * stays a few such answers in memory, not the whole batch decompressed at once.
 */
export const OUTPUT_BYTES_PER_JOB = 16 * 1024 * 1024;

/** A DecodeError's fields: the error itself does not survive the trip between threads. */
export interface PeelFailure {
  reason: DecodeFailureReason;
  message: string;
  format?: string;
}

/**
 * The answer: the plain bytes end to end in one fresh transferred buffer (a failed value holds
 * none), and per value its failure or null, for the job's first `ends.length` values (all of
 * them unless the output cap stopped it). `bug` is set instead when the thread hit an error
 * that is not a property of a payload; the caller surfaces it as decodeValue would.
 */
export type PeelResponse =
  | { id: number; output: ArrayBuffer; ends: number[]; failures: (PeelFailure | null)[] }
  | { id: number; bug: string };
