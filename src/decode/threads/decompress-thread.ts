import { parentPort } from 'node:worker_threads';
import { peelJob } from './peel-job.js';
import type { PeelRequest, PeelResponse } from './peel-messages.js';

/**
 * A decompression thread's entry point (started by DecompressPool, from the compiled .js).
 * Payload bytes only ever travel between this process's threads; no message carries them
 * anywhere else.
 */
const port = parentPort;
if (!port) throw new Error('decompress-thread.js runs only as a worker thread');
port.on('message', (req: PeelRequest) => {
  let res: PeelResponse;
  try {
    res = peelJob(req);
  } catch (error) {
    res = { id: req.id, bug: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(res, 'output' in res ? [res.output] : []);
});
