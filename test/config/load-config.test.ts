import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

const problemsOf = (text: string, env: NodeJS.ProcessEnv = {}): string[] => {
  try {
    parseConfigText(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('loads the repository demo config with defaults applied', () => {
    const c = loadConfig('tenantwatch.yaml', {});
    expect(c.cache.url).toBe('redis://127.0.0.1:6379/0');
    expect(c.sweep).toMatchObject({ everyMs: 300_000, rate: 5000, count: 500, maxValueBytes: 1_048_576 });
    expect(c.confirm.afterMs).toBe(2000);
    expect(c.patterns.map((p) => p.name)).toEqual(['project', 'project-legacy', 'project-list', 'export-heartbeat', 'session']);
    expect(c.patterns[0]).toMatchObject({ type: 'auto', format: 'auto', compression: 'auto', marker: ['$.tenant_id'], index: 0 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('replaces ${VAR} and ${VAR:-default} from the environment', () => {
    const c = parseConfigText('cache: { url: "${CACHE_URL:-redis://h:1}" }\nsweep: { rate: "${RATE}", maxValueBytes: 2mb }\n', { RATE: '42' });
    expect(c.cache.url).toBe('redis://h:1');
    expect(c.sweep.rate).toBe(42);
    expect(c.sweep.maxValueBytes).toBe(2 * 1024 * 1024);
    expect(parseConfigText('cache: { url: "${U}" }', { U: 'redis://env:2' }).cache.url).toBe('redis://env:2');
  });

  it('treats a value that is only an unset ${VAR} as absent', () => {
    expect(problemsOf('cache: { url: "${NOPE}" }')).toEqual(['cache.url: required (or cache.cluster)']);
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf(`
cache: { url: "redis://x" }
sweep: { every: soon, maxValueBytes: lots, colour: blue }
unregistered: loud
patterns:
  - name: a
    key: "a:{tenant}:{id}"
    marker: "tenant_id"
    owner: { table: t, tenant: tenant_id, match: { id: nope, tenant_id: id } }
  - name: a
    key: "b:{"
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sweep\.every: not a duration/),
        expect.stringMatching(/^sweep\.maxValueBytes: not a size/),
        'sweep: unknown key "colour"',
        expect.stringMatching(/^unregistered: must be one of critical, warning, info, ignore/),
      ]),
    );
    const cross = problemsOf(`
cache: { url: "redis://x" }
patterns:
  - name: a
    key: "a:{tenant}:{id}"
    marker: "tenant_id"
    owner: { table: t, tenant: tenant_id, match: { id: nope, tenant_id: id } }
  - name: a
    key: "b:{"
    format: jsn
`);
    expect(cross).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^patterns\[0\]\.marker: /),
        'patterns[0].owner: needs source.url (the database that knows owners)',
        'patterns[0].owner.match.id: "nope" is not a placeholder of key "a:{tenant}:{id}"',
        'patterns[0].owner.match.tenant_id: match never names the tenant column',
        'patterns[1].name: duplicate pattern name "a"',
        expect.stringMatching(/^patterns\[1\]\.format: unknown format "jsn" \(have: auto, keyv, json, /),
        expect.stringMatching(/^patterns\[1\]\.key: /),
      ]),
    );
  });

  it('names a missing file in one problem', () => {
    expect(() => loadConfig('/nonexistent/tenantwatch.yaml', {})).toThrow(/tenantwatch\.yaml: file not found/);
  });

  it('reports YAML syntax errors as config problems', () => {
    expect(problemsOf('cache: [unclosed')[0]).toMatch(/^config: /);
  });
});

describe('env interpolation', () => {
  it('accepts the SPEC form tokens: [${TOKEN}] and drops an unset one', () => {
    const text = 'cache: { url: "redis://x" }\napi: { tokens: [${TOKEN}], port: ${PORT:-8080} }\n';
    expect(parseConfigText(text, { TOKEN: 's3cret-token' }).api).toEqual({ host: '0.0.0.0', tokens: [{ name: 'token-1', token: 's3cret-token' }], port: 8080 });
    expect(parseConfigText(text, {}).api).toEqual({ host: '0.0.0.0', tokens: [], port: 8080 });
  });

  it('names tokens for the audit trail and refuses ones too short to be secrets', () => {
    const c = parseConfigText('cache: { url: "redis://x" }\napi: { tokens: [abcdefgh12, { name: ci, token: ijklmnop34 }] }\n', {});
    expect(c.api?.tokens).toEqual([{ name: 'token-1', token: 'abcdefgh12' }, { name: 'ci', token: 'ijklmnop34' }]);
    expect(() => parseConfigText('cache: { url: "redis://x" }\napi: { tokens: [short] }\n', {})).toThrow(/api.tokens\[0\]: too short to be a secret/);
  });

  it('never lets a variable value change the YAML structure', () => {
    const c = parseConfigText('cache: { url: "${U}" }\n', { U: 'redis://h:1/0" }\nsweep: { rate: 1' });
    expect(c.sweep.rate).toBe(5000);
  });
});
