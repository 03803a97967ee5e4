/**
 * A local HTTP receiver that answers like a provider: each request is recorded (headers, body,
 * arrival time) and answered by the next scripted response, then by the default one.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** Parsed JSON body (every channel sends JSON). */
  json: unknown;
}

export interface Receiver {
  url: string;
  requests: Received[];
  /** Answers for the next requests, in order; afterwards `fallback`. */
  script(...answers: Answer[]): void;
  fallback: Answer | ((r: Received) => Answer);
  close(): Promise<void>;
}

export async function startReceiver(fallback: Receiver['fallback'], path = '/'): Promise<Receiver> {
  const queue: Answer[] = [];
  const requests: Received[] = [];
  const receiver: Receiver = {
    url: '',
    requests,
    script: (...answers) => void queue.push(...answers),
    fallback,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r: Received = { path: req.url ?? '', headers: req.headers, body, at: Date.now(), json };
      requests.push(r);
      const fb = receiver.fallback;
      const a = queue.shift() ?? (typeof fb === 'function' ? fb(r) : fb);
      res.writeHead(a.status, { 'content-type': a.body?.startsWith('{') ? 'application/json' : 'text/plain', ...a.headers });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

/** PagerDuty's documented answers (https://developer.pagerduty.com/api-reference/YXBpOjI3NDgyNjU-pager-duty-v2-events-api). */
export const pagerduty = {
  accepted: (dedupKey = 'x'): Answer => ({ status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedupKey }) }),
  invalid: (): Answer => ({ status: 400, body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: ['Length of \'routing_key\' is incorrect (should be 32 characters)'] }) }),
  throttled: (): Answer => ({ status: 429, body: '' }),
  down: (): Answer => ({ status: 500, body: '' }),
};

/** Slack's documented webhook answers (https://api.slack.com/messaging/webhooks#handling_errors). */
export const slack = {
  ok: (): Answer => ({ status: 200, body: 'ok' }),
  rateLimited: (seconds: number): Answer => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': String(seconds) } }),
  noActiveHooks: (): Answer => ({ status: 404, body: 'no_active_hooks' }),
  archived: (): Answer => ({ status: 410, body: 'channel_is_archived' }),
  invalidPayload: (): Answer => ({ status: 400, body: 'invalid_payload' }),
};

/** Polls until `probe` returns something truthy. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
