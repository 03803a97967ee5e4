import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.js';
import { matchToken } from './auth.js';
import { BadRequestBody, ErrorBody } from './schemas.js';
import { dashboardCsp, dashboardPage } from './dashboard/dashboard-page.js';
import { findingRoutes } from './routes/findings.js';
import { tokenName } from './routes/guards.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { scanRoutes } from './routes/scans.js';
import { silenceRoutes } from './routes/silences.js';
import { statusRoutes } from './routes/status.js';

export interface AppOptions {
  /** The dashboard document served at GET / (default: the built-in page; it needs no token, its API calls do). */
  dashboard?: () => string;
  /** Fastify's logger; tests pass false. */
  logger?: boolean | object;
}

/**
 * The HTTP API of SPEC §5, built without listening (tests use app.inject()). Every /api/* route
 * needs a bearer token; one error handler hides internals on 5xx.
 */
export async function buildApp(deps: ApiDeps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Keys can be long and attacker-made; bodies here are small (scan requests list keys).
    bodyLimit: 2 * 1024 * 1024,
    // allErrors: a 400 names every problem of a request at once (bodies are small: bodyLimit).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      info: { title: 'tenantwatch', description: 'Cached data that belongs to the wrong tenant: findings, incidents, scans.', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // Only routes that ask for it (the mutating ones) are limited, per token.
  await app.register(rateLimit, { global: false, keyGenerator: (req) => tokenName(req) });

  // Every /api route can also answer 401 (auth hook), 400 (schema), 500 (error handler) and,
  // when limited, 429: the OpenAPI document names them with the body they carry.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const schema = (route.schema ??= {}) as { response?: Record<string, unknown> };
    const response = (schema.response ??= {});
    // A route's own plain 400 would drop `problems` when serialised.
    if (response[400] === undefined || response[400] === ErrorBody) response[400] = BadRequestBody;
    response[401] ??= ErrorBody;
    response[500] ??= ErrorBody;
    if ((route.config as { rateLimit?: unknown } | undefined)?.rateLimit !== undefined) response[429] ??= ErrorBody;
  });

  const tokens = deps.config.api?.tokens ?? [];
  if (tokens.length === 0) deps.log.warn('api.tokens is empty: every /api request will be refused');
  app.addHook('onRequest', async (req, reply) => {
    // Decided by the route that matched, not by the raw URL: the router decodes percent-escapes,
    // so `/%61pi/v1/…` reaches the /api routes. Every route needs a token unless it is public.
    if (isPublicRoute(req.routeOptions.url)) return;
    const token = matchToken(req.headers.authorization, tokens);
    if (!token) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    req.apiToken = token;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      // Full context in the log; the client learns nothing about the inside.
      req.log.error({ err }, 'request failed');
      deps.log.error({ url: req.url, err: err.message }, 'API request failed');
      return reply.code(status).send({ error: 'internal', message: 'internal error' });
    }
    // A request that failed its schema: every problem, as the silences route lists its own.
    const problems = err.validation?.map((v) => `${v.instancePath || '/'} ${v.message ?? 'is invalid'}`.trim());
    return reply.code(status).send({ error: status === 429 ? 'rate_limited' : 'bad_request', message: err.message, ...(problems ? { problems } : {}) });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  await app.register(healthRoutes(deps));
  await app.register(statusRoutes(deps));
  await app.register(findingRoutes(deps));
  await app.register(incidentRoutes(deps));
  await app.register(scanRoutes(deps));
  await app.register(silenceRoutes(deps));
  const page = (opts.dashboard ?? dashboardPage)();
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', dashboardCsp({ header: true })).header('x-content-type-options', 'nosniff').send(page),
  );
  return app;
}

/** Routes that need no token: health, readiness, metrics, the API docs and the dashboard page. */
function isPublicRoute(route: string | undefined): boolean {
  // No route matched: the not-found handler answers, and it reveals nothing.
  if (route === undefined) return true;
  return route === '/' || route === '/healthz' || route === '/readyz' || route === '/metrics' || route === '/docs' || route.startsWith('/docs/');
}
