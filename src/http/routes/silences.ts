import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createSilence, expireSilence, getSilence, InvalidSilence, listSilences } from '../../state/silences.js';
import type { ApiDeps } from '../api-deps.js';
import { decodeCursor, page } from '../pagination.js';
import { BadRequestBody, Cursor, ErrorBody, IdParams, Limit } from '../schemas.js';
import { MUTATION_LIMIT, tokenName } from './guards.js';

const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
const Nullable = Type.Union([Type.String(), Type.Null()]);

const SilenceBody = Type.Object({
  id: Type.String(),
  kind: Nullable,
  pattern: Nullable,
  tenant: Nullable,
  createdBy: Type.String(),
  reason: Type.String(),
  createdAt: DateTime,
  startsAt: DateTime,
  endsAt: DateTime,
  expiredAt: Type.Union([DateTime, Type.Null()]),
  active: Type.Boolean(),
});

const NewSilenceBody = Type.Object(
  {
    kind: Type.Optional(Type.String({ maxLength: 64 })),
    pattern: Type.Optional(Type.String({ maxLength: 256 })),
    tenant: Type.Optional(Type.String({ maxLength: 256 })),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    startsAt: Type.Optional(Type.String({ format: 'date-time' })),
    endsAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

/** Silences (issue 4): mute an incident's notifications while a known problem is fixed. */
export function silenceRoutes(deps: ApiDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const security = [{ bearer: [] }];
    app.post('/api/v1/silences', { schema: { tags: ['silences'], security, body: NewSilenceBody, response: { 201: SilenceBody, 400: BadRequestBody } }, config: { rateLimit: MUTATION_LIMIT } }, async (req, reply) => {
      try {
        const s = await createSilence(deps.state, {
          kind: req.body.kind,
          pattern: req.body.pattern,
          tenant: req.body.tenant,
          reason: req.body.reason,
          createdBy: tokenName(req),
          startsAt: req.body.startsAt ? new Date(req.body.startsAt) : undefined,
          endsAt: new Date(req.body.endsAt),
        });
        return reply.code(201).send(s);
      } catch (err) {
        if (err instanceof InvalidSilence) return reply.code(400).send({ error: 'bad_request', message: err.message, problems: err.problems });
        throw err;
      }
    });

    const Query = Type.Object({ active: Type.Optional(Type.Boolean()), limit: Limit, cursor: Cursor });
    app.get('/api/v1/silences', { schema: { tags: ['silences'], security, querystring: Query, response: { 200: Type.Object({ items: Type.Array(SilenceBody), nextCursor: Type.Optional(Type.String()) }), 400: ErrorBody } } }, async (req, reply) => {
      const before = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor);
      if (req.query.cursor !== undefined && before === undefined) return reply.code(400).send({ error: 'bad_request', message: 'cursor: not a cursor this API issued' });
      const limit = req.query.limit ?? 50;
      return page(await listSilences(deps.state, { active: req.query.active, limit: limit + 1, beforeId: before }), limit);
    });

    app.get('/api/v1/silences/:id', { schema: { tags: ['silences'], security, params: IdParams, response: { 200: SilenceBody, 404: ErrorBody } } }, async (req, reply) => {
      const s = await getSilence(deps.state, req.params.id);
      return s ?? reply.code(404).send({ error: 'not_found', message: `no silence ${req.params.id}` });
    });

    app.post('/api/v1/silences/:id/expire', { schema: { tags: ['silences'], security, params: IdParams, response: { 200: SilenceBody, 404: ErrorBody } }, config: { rateLimit: MUTATION_LIMIT } }, async (req, reply) => {
      const s = await expireSilence(deps.state, req.params.id);
      return s ?? reply.code(404).send({ error: 'not_found', message: `no silence ${req.params.id}` });
    });
  };
}
