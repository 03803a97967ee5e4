import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { acknowledgeFinding, getFinding, listFindings, recordEviction, resolveFinding } from '../../state/findings-query.js';
import { describeError } from '../../errors.js';
import type { FindingKind } from '../../types.js';
import type { ApiDeps } from '../api-deps.js';
import { decodeCursor, page } from '../pagination.js';
import { Cursor, ErrorBody, FindingBody, IdParams, Limit } from '../schemas.js';
import { MUTATION_LIMIT, tokenName } from './guards.js';

const FindingQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')])),
  severity: Type.Optional(Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')])),
  kind: Type.Optional(Type.String({ maxLength: 64 })),
  pattern: Type.Optional(Type.String({ maxLength: 256 })),
  tenant: Type.Optional(Type.String({ maxLength: 256 })),
  incident: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  limit: Limit,
  cursor: Cursor,
});

/** Findings: list (filtered, cursor-paginated), one, and the three actions on it. */
export function findingRoutes(deps: ApiDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const security = [{ bearer: [] }];
    app.get('/api/v1/findings', { schema: { tags: ['findings'], security, querystring: FindingQuery, response: { 200: Type.Object({ items: Type.Array(FindingBody), nextCursor: Type.Optional(Type.String()) }), 400: ErrorBody } } }, async (req, reply) => {
      const q = req.query;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (q.cursor !== undefined && after === undefined) return reply.code(400).send({ error: 'bad_request', message: 'cursor: not a cursor this API issued' });
      const limit = q.limit ?? 50;
      const items = await listFindings(deps.state, { status: q.status, severity: q.severity, kind: q.kind as FindingKind | undefined, pattern: q.pattern, tenant: q.tenant, incidentId: q.incident }, limit + 1, after);
      return page(items, limit);
    });

    app.get('/api/v1/findings/:id', { schema: { tags: ['findings'], security, params: IdParams, response: { 200: FindingBody, 404: ErrorBody } } }, async (req, reply) => {
      const f = await getFinding(deps.state, req.params.id);
      return f ?? reply.code(404).send({ error: 'not_found', message: `no finding ${req.params.id}` });
    });

    const action = { tags: ['findings'], security, params: IdParams, response: { 200: FindingBody, 404: ErrorBody } };
    app.post('/api/v1/findings/:id/ack', { schema: action, config: { rateLimit: MUTATION_LIMIT } }, async (req, reply) => {
      const f = await acknowledgeFinding(deps.state, req.params.id, tokenName(req));
      return f ?? reply.code(404).send({ error: 'not_found', message: `no finding ${req.params.id}` });
    });
    app.post('/api/v1/findings/:id/resolve', { schema: action, config: { rateLimit: MUTATION_LIMIT } }, async (req, reply) => {
      const f = await resolveFinding(deps.state, req.params.id, tokenName(req));
      return f ?? reply.code(404).send({ error: 'not_found', message: `no finding ${req.params.id}` });
    });

    const Evicted = Type.Object({ evicted: Type.Boolean(), reason: Type.String() });
    app.post(
      '/api/v1/findings/:id/evict',
      { schema: { tags: ['findings'], security, params: IdParams, response: { 200: Evicted, 404: ErrorBody, 409: Evicted } }, config: { rateLimit: MUTATION_LIMIT } },
      async (req, reply) => {
        const f = await getFinding(deps.state, req.params.id);
        if (!f) return reply.code(404).send({ error: 'not_found', message: `no finding ${req.params.id}` });
        if (!f.key || !f.payloadSha256) {
          return reply.code(409).send({ evicted: false, reason: 'this finding names no single payload to compare (grouped kind or unread value)' });
        }
        const field = deps.config.patterns.find((p) => p.name === f.pattern)?.field;
        let result: { evicted: boolean; reason: string };
        try {
          result = await deps.cache.evict(f.key, f.payloadSha256, field);
        } catch (err) {
          // The attempt is on record even when the cache did not answer; the client gets a 5xx.
          // A timed-out script may still run once the cache answers: the record says so.
          await recordEviction(deps.state, { findingId: f.id, key: f.key, tokenName: tokenName(req), evicted: false, reason: `failed (the compare-and-delete may still have run): ${describeError(err).slice(0, 200)}` });
          throw err;
        }
        await recordEviction(deps.state, { findingId: f.id, key: f.key, tokenName: tokenName(req), evicted: result.evicted, reason: result.reason });
        req.log.info({ findingId: f.id, key: f.key, token: tokenName(req), evicted: result.evicted, reason: result.reason }, 'evict');
        return reply.code(result.evicted ? 200 : 409).send(result);
      },
    );
  };
}
