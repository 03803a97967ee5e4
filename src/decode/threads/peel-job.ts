import { DecodeError } from '../decode-error.js';
import { peelPayload } from '../compression/peel-payload.js';
import { OUTPUT_BYTES_PER_JOB, type PeelFailure, type PeelRequest, type PeelResponse } from './peel-messages.js';

/**
 * What a decompression thread does with one job: peels each value and answers with the plain
 * bytes, stopping early once the answer holds OUTPUT_BYTES_PER_JOB. Throws only for errors
 * that are not a property of a payload.
 */
export function peelJob(req: PeelRequest): PeelResponse {
  const input = new Uint8Array(req.input);
  const outputs: Uint8Array[] = [];
  const failures: (PeelFailure | null)[] = [];
  let start = 0;
  let total = 0;
  for (let i = 0; i < req.ends.length && (i === 0 || total < OUTPUT_BYTES_PER_JOB); i++) {
    const end = req.ends[i]!;
    try {
      const plain = peelPayload(input.subarray(start, end), req.compressions[i]!, req.maxBytes[i]!);
      outputs.push(plain);
      failures.push(null);
      total += plain.length;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      outputs.push(new Uint8Array(0));
      failures.push(error.format === undefined ? { reason: error.reason, message: error.message } : { reason: error.reason, message: error.message, format: error.format });
    }
    start = end;
  }
  // One fresh buffer for the answer: the outputs may be views of Node's shared Buffer pool,
  // and transferring a pool slab would detach it under everything else using it.
  const output = new ArrayBuffer(total);
  const bytes = new Uint8Array(output);
  const ends: number[] = [];
  let at = 0;
  for (const plain of outputs) {
    bytes.set(plain, at);
    at += plain.length;
    ends.push(at);
  }
  return { id: req.id, output, ends, failures };
}

