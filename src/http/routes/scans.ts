import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RETRIED, type ScanJobData } from '../../queue/queue-config.js';
import type { ScanReport } from '../../scan/scan-report.js';
import type { ApiDeps } from '../api-deps.js';
import { ErrorBody, ScanBody, ScanIdParams, ScanRequest } from '../schemas.js';
import { MUTATION_LIMIT } from './guards.js';

/** On-demand scans through the queue (SPEC §5): 202 with an id, then poll for progress. */
export function scanRoutes(deps: ApiDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const security = [{ bearer: [] }];
    app.post(
      '/api/v1/scans',
      { schema: { tags: ['scans'], security, body: ScanRequest, response: { 202: Type.Object({ id: Type.String() }), 400: ErrorBody } }, config: { rateLimit: MUTATION_LIMIT } },
      async (req, reply) => {
        const known = new Set(deps.config.patterns.map((p) => p.name));
        const unknown = (req.body.patterns ?? []).filter((p) => !known.has(p));
        if (unknown.length > 0) return reply.code(400).send({ error: 'bad_request', message: `patterns: no pattern named ${unknown.map((u) => JSON.stringify(u)).join(', ')}` });
        const data: ScanJobData = { match: req.body.match, patterns: req.body.patterns, keys: req.body.keys, limit: req.body.limit };
        // Kept a day for polling; a scan is a request, not a record (the findings store is).
        const job = await deps.scans.add('scan', data, { attempts: 3, backoff: RETRIED.backoff, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } });
        return reply.code(202).send({ id: job.id! });
      },
    );

    app.get('/api/v1/scans/:id', { schema: { tags: ['scans'], security, params: ScanIdParams, response: { 200: ScanBody, 404: ErrorBody } } }, async (req, reply) => {
      const job = await deps.scans.getJob(req.params.id);
      if (!job) return reply.code(404).send({ error: 'not_found', message: `no scan ${req.params.id}` });
      const state = await job.getState();
      const progress = (typeof job.progress === 'object' && job.progress !== null ? job.progress : {}) as { scanned?: number; total?: number };
      if (state === 'completed') {
        const report = job.returnvalue as ScanReport;
        return { id: job.id!, state: 'done' as const, scanned: report.scanned, total: progress.total, findings: report.findings as unknown as Record<string, unknown>[], unchecked: report.unchecked };
      }
      if (state === 'failed') return { id: job.id!, state: 'failed' as const, scanned: progress.scanned ?? 0, findings: [], error: job.failedReason?.slice(0, 500) };
      return { id: job.id!, state: state === 'active' ? ('running' as const) : ('queued' as const), scanned: progress.scanned ?? 0, total: progress.total, findings: [] };
    });
  };
}
