import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { getIncident, listIncidents } from '../../state/incidents-query.js';
import type { ApiDeps } from '../api-deps.js';
import { decodeCursor, page } from '../pagination.js';
import { Cursor, ErrorBody, IdParams, IncidentBody, Limit } from '../schemas.js';

/** Incidents with their blast radius. */
export function incidentRoutes(deps: ApiDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const security = [{ bearer: [] }];
    const Query = Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])), limit: Limit, cursor: Cursor });
    app.get('/api/v1/incidents', { schema: { tags: ['incidents'], security, querystring: Query, response: { 200: Type.Object({ items: Type.Array(IncidentBody), nextCursor: Type.Optional(Type.String()) }), 400: ErrorBody } } }, async (req, reply) => {
      const after = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor);
      if (req.query.cursor !== undefined && after === undefined) return reply.code(400).send({ error: 'bad_request', message: 'cursor: not a cursor this API issued' });
      const limit = req.query.limit ?? 50;
      return page(await listIncidents(deps.state, { status: req.query.status }, limit + 1, after), limit);
    });
    app.get('/api/v1/incidents/:id', { schema: { tags: ['incidents'], security, params: IdParams, response: { 200: IncidentBody, 404: ErrorBody } } }, async (req, reply) => {
      const inc = await getIncident(deps.state, req.params.id);
      return inc ?? reply.code(404).send({ error: 'not_found', message: `no incident ${req.params.id}` });
    });
  };
}
