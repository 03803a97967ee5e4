import type { FastifyRequest } from 'fastify';
import type { ApiToken } from '../auth.js';

/** Per token: a script gone wrong cannot ack, resolve or evict thousands of findings a minute. */
export const MUTATION_LIMIT = { max: 60, timeWindow: '1 minute' };

declare module 'fastify' {
  interface FastifyRequest {
    /** The API token that authenticated this request (set by build-app's auth hook). */
    apiToken?: ApiToken;
  }
}

export function tokenName(req: FastifyRequest): string {
  return req.apiToken?.name ?? 'unknown';
}
