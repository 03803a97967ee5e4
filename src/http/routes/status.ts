import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readStatus } from '../../state/read-status.js';
import type { ApiDeps } from '../api-deps.js';
import { PatternsBody, StatusBody } from '../schemas.js';
import { realtimeStatus } from './health.js';

/** GET /api/v1/status and /api/v1/patterns: the watchdog at a glance. */
export function statusRoutes(deps: ApiDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/v1/status', { schema: { tags: ['status'], security: [{ bearer: [] }], response: { 200: StatusBody } } }, async () => {
      const [status, realtime, workers] = await Promise.all([
        readStatus(deps.state, { samplePerMinute: deps.config.sweep.sample }),
        realtimeStatus(deps),
        deps.checks.getWorkersCount(),
      ]);
      return { ...status, realtime, workers };
    });

    app.get('/api/v1/patterns', { schema: { tags: ['status'], security: [{ bearer: [] }], response: { 200: PatternsBody } } }, async () => {
      const status = await readStatus(deps.state, { samplePerMinute: deps.config.sweep.sample });
      return {
        items: deps.config.patterns.map((p) => {
          const c = status.correctness.patterns[p.name];
          return {
            name: p.name,
            key: p.key,
            global: p.global,
            scoped: p.key.includes('{tenant}'),
            format: p.format,
            type: p.type,
            keys: status.keysPerPattern[p.name] ?? 0,
            ...(c ? { checked: c.checked, wrong: c.wrong, nines: c.nines } : {}),
          };
        }),
      };
    });
  };
}
