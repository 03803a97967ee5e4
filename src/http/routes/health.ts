import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { describeError } from '../../errors.js';
import { REALTIME_STATUS_KEY } from '../../queue/queue-config.js';
import type { ApiDeps } from '../api-deps.js';
import { ReadyBody } from '../schemas.js';

/** /healthz, /readyz and /metrics: no token (SPEC §5), nothing secret in them. */
export function healthRoutes(deps: ApiDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/healthz', { schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

    app.get('/readyz', { schema: { tags: ['health'], response: { 200: ReadyBody, 503: ReadyBody } } }, async (_req, reply) => {
      // The body is public: it names the kind of failure (an error code such as ECONNREFUSED),
      // never a driver's message, which can carry hosts and addresses; the log has the rest.
      const check = async (name: string, what: () => Promise<unknown>) => {
        try {
          await what();
          return 'ok';
        } catch (err) {
          deps.log.warn({ check: name, err: describeError(err) }, 'readiness check failed');
          return `down: ${failureKind(err)}`;
        }
      };
      const [cache, source, state, queue] = await Promise.all([
        check('cache', () => deps.cache.ping()),
        deps.source ? check('source', () => deps.source!.query('select 1')) : Promise.resolve('not configured'),
        check('state', () => deps.state.query('select 1 from sweeps limit 1')),
        check('queue', () => deps.queueRedis.ping()),
      ]);
      const realtime = await realtimeStatus(deps);
      const body = { cache, source, state, queue, realtime };
      const ready = [cache, source, state, queue].every((s) => s === 'ok' || s === 'not configured');
      return reply.code(ready ? 200 : 503).send(body);
    });

    app.get('/metrics', { schema: { tags: ['health'], produces: ['text/plain'] } }, async (_req, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}

/** Whether written keys are checked in real time, as the subscribing process last said. */
export async function realtimeStatus(deps: ApiDeps): Promise<{ enabled: boolean; reason: string }> {
  if (!deps.config.realtime.keyspaceEvents) return { enabled: false, reason: 'realtime.keyspaceEvents is off in the config' };
  try {
    const raw = await deps.queueRedis.get(REALTIME_STATUS_KEY);
    if (!raw) return { enabled: false, reason: 'no worker has reported key-event subscriptions (is a worker running?)' };
    const s = JSON.parse(raw) as { enabled?: unknown; reason?: unknown };
    return { enabled: s.enabled === true, reason: typeof s.reason === 'string' ? s.reason : 'unknown' };
  } catch (err) {
    return { enabled: false, reason: `unknown: ${describeError(err)}` };
  }
}

/** A public name for a failure: the error's code when it is one (ECONNREFUSED, 57P01), else a word. */
function failureKind(err: unknown): string {
  // The innermost code first: tenantwatch's own errors wrap the driver's (CACHE_UNAVAILABLE ← ECONNREFUSED).
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.unshift(e);
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/timed? ?out/i.test(message)) return 'timeout';
  return 'error (see the service log)';
}
