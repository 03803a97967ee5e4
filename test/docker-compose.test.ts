/**
 * docker-compose.yml, tenantwatch.yaml and the README describe one deployment; these tests keep
 * them from drifting apart (a renamed variable or port would otherwise only show when a newcomer's
 * `docker compose up` silently watches nothing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (name: string): string => readFileSync(`${root}/${name}`, 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | null> | string[];
  ports?: (string | number | { target: number; published?: number | string })[];
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition?: string }>;
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
const services = compose.services;
const configText = read('tenantwatch.yaml');

/** `${VAR}` / `${VAR:-default}` references in tenantwatch.yaml, name → default (undefined if none). */
const configVars = new Map(
  [...configText.matchAll(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g)].map((m) => [m[1]!, m[2]] as const),
);

/** tenantwatch.yaml as the service sees it with no environment: every reference at its default. */
const configDefaults = parse(configText.replace(/\$\{[A-Z0-9_]+(?::-([^}]*))?\}/g, (_, d?: string) => d ?? '')) as {
  api: { port: number | string };
};

// Variables that decide what tenantwatch connects to and who may call it; inside the compose
// network their 127.0.0.1 defaults would point at the tenantwatch container itself.
const CONNECTIVITY_VARS = [
  'CACHE_URL',
  'QUEUE_REDIS_URL',
  'SOURCE_DATABASE_URL',
  'STATE_DATABASE_URL',
  'TENANTWATCH_API_TOKEN',
];

const URL_HOSTS: Record<string, string> = {
  CACHE_URL: 'cache',
  QUEUE_REDIS_URL: 'queue',
  SOURCE_DATABASE_URL: 'postgres',
  STATE_DATABASE_URL: 'postgres',
};

function service(name: string): ComposeService {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environmentOf(svc: ComposeService): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function commandOf(svc: ComposeService): string {
  return Array.isArray(svc.command) ? svc.command.join(' ') : (svc.command ?? '');
}

/** [published, target] pairs of a service's port mappings. */
function portsOf(svc: ComposeService): [number, number][] {
  return (svc.ports ?? []).map((p): [number, number] => {
    if (typeof p === 'object') return [Number(p.published ?? p.target), p.target];
    const parts = String(p).split(':');
    const target = Number(parts.at(-1)!.split('/')[0]);
    const published = parts.length > 1 ? Number(parts.at(-2)) : target;
    return [published, target];
  });
}

describe('docker-compose.yml', () => {
  it('defines cache, queue, postgres and tenantwatch, each with a healthcheck', () => {
    for (const name of ['cache', 'queue', 'postgres', 'tenantwatch']) {
      const test = service(name).healthcheck?.test;
      expect(test, `${name} healthcheck`).toBeDefined();
      expect(test!.length, `${name} healthcheck`).toBeGreaterThan(0);
    }
  });

  it('lets the cache evict least-recently-used keys but never the queue', () => {
    expect(commandOf(service('cache'))).toMatch(/--maxmemory-policy allkeys-lru\b/);
    expect(commandOf(service('cache'))).toMatch(/--maxmemory \S+/);
    expect(commandOf(service('queue'))).toMatch(/--maxmemory-policy noeviction\b/);
  });

  it('starts tenantwatch only after cache, queue and postgres are healthy', () => {
    const dependsOn = service('tenantwatch').depends_on;
    expect(dependsOn).toEqual({
      cache: expect.objectContaining({ condition: 'service_healthy' }),
      queue: expect.objectContaining({ condition: 'service_healthy' }),
      postgres: expect.objectContaining({ condition: 'service_healthy' }),
    });
  });

  it('builds tenantwatch from the repository Dockerfile', () => {
    expect(service('tenantwatch').build).toBe('.');
    expect(existsSync(`${root}/Dockerfile`)).toBe(true);
  });

  it('sets every connectivity variable tenantwatch.yaml reads', () => {
    for (const name of CONNECTIVITY_VARS) {
      expect(configVars.has(name), `tenantwatch.yaml uses \${${name}}`).toBe(true);
    }
    const env = environmentOf(service('tenantwatch'));
    // Any variable whose default is a loopback address is a connection that would miss inside a
    // container, including ones added to tenantwatch.yaml after this test was written.
    const loopbackDefaults = [...configVars].filter(([, d]) => d !== undefined && /127\.0\.0\.1|localhost/.test(d));
    for (const name of new Set([...CONNECTIVITY_VARS, ...loopbackDefaults.map(([n]) => n)])) {
      expect(env[name], `tenantwatch.environment.${name}`).toBeTruthy();
    }
  });

  it('points tenantwatch at the compose services by name and container port', () => {
    const env = environmentOf(service('tenantwatch'));
    for (const [name, host] of Object.entries(URL_HOSTS)) {
      const url = new URL(env[name] ?? '');
      expect(url.hostname, name).toBe(host);
      const target = portsOf(service(host))[0]?.[1];
      expect(Number(url.port), `${name} uses ${host}'s container port`).toBe(target);
      expect(services[host], `${name} names a service`).toBeDefined();
    }
  });

  it('publishes tenantwatch on the API port tenantwatch.yaml listens on by default', () => {
    const apiPort = Number(configDefaults.api.port);
    expect(apiPort).toBe(8080);
    expect(portsOf(service('tenantwatch'))).toContainEqual([apiPort, apiPort]);
    const health = service('tenantwatch').healthcheck?.test;
    expect(Array.isArray(health) ? health.join(' ') : health).toContain(`:${apiPort}/healthz`);
  });
});

describe('README.md', () => {
  it('explains docker compose up and where the dashboard is published', () => {
    expect(existsSync(`${root}/README.md`), 'README.md exists').toBe(true);
    const readme = read('README.md');
    const [published] = portsOf(service('tenantwatch'))[0] ?? [];
    expect(readme).toContain('docker compose up');
    expect(readme).toContain(`http://localhost:${published}`);
  });
});
