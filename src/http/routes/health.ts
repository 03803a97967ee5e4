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
      const check = async (what: () => Promise<unknown>) => {
        try {
          await what();
          return 'ok';
        } catch (err) {
          // One short line; connection strings are never echoed.
          return `down: ${describeError(err).slice(0, 200)}`;
        }
      };
      const [cache, source, state, queue] = await Promise.all([
        check(() => deps.cache.ping()),
        deps.source ? check(() => deps.source!.query('select 1')) : Promise.resolve('not configured'),
        check(() => deps.state.query('select 1 from sweeps limit 1')),
        check(() => deps.queueRedis.ping()),
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
