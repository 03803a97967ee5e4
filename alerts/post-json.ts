/**
 * One HTTP POST to a provider, and what its answer means for the delivery job. Messages never
 * include the URL (Slack webhook URLs and PagerDuty routing keys are secrets).
 */

/** Most providers answer in well under a second; a hung connection must not hold a worker. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** A Retry-After longer than this is capped: the job retries then and asks again. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** Why a delivery attempt failed, and whether trying again can help. */
export class DeliveryFailure extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  /** The provider's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs?: number;
  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'DeliveryFailure';
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** A provider's answer. */
export interface PostResult {
  status: number;
  body: string;
  retryAfterMs?: number;
}

/** POST `body` as JSON; network errors and timeouts are retryable DeliveryFailures. */
export async function postJson(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'tenantwatch', ...headers },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new DeliveryFailure(timedOut ? `no answer within ${timeoutMs} ms` : `network error${cause}`, { retryable: true, cause: err });
  }
  const text = await readBody(res, timeoutMs);
  return { status: res.status, body: text, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
}

/** A body read in bounded time and size: only for the error message, never trusted further. */
async function readBody(res: Response, timeoutMs: number): Promise<string> {
  try {
    const text = await Promise.race([res.text(), new Promise<string>((resolve) => setTimeout(() => resolve(''), timeoutMs).unref())]);
    return text.slice(0, 2000);
  } catch {
    return '';
  }
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * The common rule (SPEC §6): 429 and 5xx are retried (honouring Retry-After); any other
 * non-success, 408 included, is permanent and recorded. `what` names the provider in the message.
 */
export function failureFor(what: string, r: PostResult): DeliveryFailure {
  const detail = r.body.trim() ? `: ${oneLine(r.body)}` : '';
  const retryable = r.status === 429 || r.status >= 500;
  return new DeliveryFailure(`${what} answered ${r.status}${detail}`, { retryable, status: r.status, retryAfterMs: retryable ? r.retryAfterMs : undefined });
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}
