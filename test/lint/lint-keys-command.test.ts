import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CommandIO } from '../../src/cli/io.js';

// Both are CommonJS modules whose module.exports is the default export itself; under NodeNext
// their types describe the `.default` property.
const Ajv = AjvDraft04 as unknown as typeof AjvDraft04.default;
const addFormats = formats as unknown as typeof formats.default;

const CONFIG = 'test/fixtures/lint/tenantwatch.yaml';

/** Runs the CLI in-process, as bin/tenantwatch.js would, and captures what it prints. */
async function lintKeys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io = { stdout, stderr: stderr as unknown as NodeJS.WriteStream, env: { TENANTWATCH_CONFIG: CONFIG } } satisfies CommandIO;
  const code = await main(['lint-keys', ...args], io);
  return { code, stdout: out, stderr: err };
}

describe('tenantwatch lint-keys', () => {
  it('fails the build with exit 1 on the incident’s f"project:{project_id}" in a Flask handler', async () => {
    const { code, stdout } = await lintKeys('test/fixtures/lint/python', '--json');
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as { files: number; findings: Record<string, unknown>[]; summary: { suppressed: number; suppressions: Record<string, number> } };
    expect(doc.files).toBe(3);
    expect(doc.findings).toContainEqual({
      file: 'app/views.py',
      line: 15,
      column: 15,
      language: 'python',
      call: 'cache.set',
      template: 'project:{project_id}',
      pattern: 'project-legacy',
      reason: 'no_tenant_scope',
      severity: 'critical',
    });
    expect(doc.summary.suppressions).toEqual({ 'public catalogue entry, identical for every tenant': 1 });
  });

  it('does not count suppressed findings toward the exit code, and exits 2 on a file it could not parse', async () => {
    expect((await lintKeys('test/fixtures/lint/python', '--fail-on', 'never')).code).toBe(2);
    expect((await lintKeys('test/fixtures/lint/typescript', '--fail-on', 'never')).code).toBe(0);
    // Ruby's only warning-level finding besides the suppressed one is unregistered: critical alone passes it.
    const ruby = await lintKeys('test/fixtures/lint/ruby/app/controllers/projects_controller.rb', '--json', '--fail-on', 'critical');
    expect(ruby.code).toBe(1);
    expect(JSON.parse(ruby.stdout).findings[0].file).toBe('projects_controller.rb');
  });

  it('prints a table with the template, pattern and counts', async () => {
    const { code, stdout } = await lintKeys('test/fixtures/lint/go');
    expect(code).toBe(1);
    expect(stdout).toMatch(/critical\s+no tenant scope\s+internal\/cache\/projects\.go:21:17\s+s\.rdb\.Set\s+project:\{id\}\s+project-legacy/);
    expect(stdout).toContain('1 files, 3 findings (2 critical, 0 warning, 1 info), 1 suppressed');
  });

  it('writes SARIF 2.1.0 that validates against the official schema', async () => {
    const { code, stdout } = await lintKeys('test/fixtures/lint', '--sarif');
    expect(code).toBe(1);
    // The schema's `language` pattern is not a valid unicode regular expression: compile without the u flag.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync('test/fixtures/lint/sarif/sarif-schema-2.1.0.json', 'utf8')));
    const log = JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; suppressions?: unknown[] }[] }[] };
    expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
    const results = log.runs[0]?.results ?? [];
    expect(results.length).toBeGreaterThan(20);
    expect(results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toContain('test/fixtures/lint/python/app/views.py');
    expect(results.filter((r) => r.suppressions).length).toBe(7);
  });

  it('rejects a document that breaks the schema, so the validation above can fail', () => {
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync('test/fixtures/lint/sarif/sarif-schema-2.1.0.json', 'utf8')));
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it('annotates GitHub Actions with repository paths and escaped messages', async () => {
    const { stdout } = await lintKeys('test/fixtures/lint/php', '--github');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(
      '::error file=test/fixtures/lint/php/app/Http/ProjectController.php,line=18,col=20,title=tenantwatch no_tenant_scope::cache key "project:{$id}" (Cache::put) matches pattern project-legacy, which has no {tenant}: tenants can read each other\'s entries',
    );
    expect(lines.filter((l) => l.startsWith('::'))).toHaveLength(4);
    expect(lines.at(-1)).toBe('tenantwatch lint-keys: 1 files, 4 findings, 1 suppressed');
  });

  it('suggests registry entries for unregistered templates, tenant expressions as {tenant}', async () => {
    const { stdout } = await lintKeys('test/fixtures/lint/python', '--suggest');
    expect(stdout).toContain('- name: new_resource   # app/views.py:44');
    expect(stdout).toContain('key: "new_resource:{item_id}"');
    expect(stdout).toContain('key: "audit:{tenant}"');
  });

  it('skips build output and dependencies while walking, but reads one named as a PATH', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tw-lint-skip-'));
    try {
      const write = 'import Redis from "ioredis";\nconst redis = new Redis();\nexport const put = (projectId: string) => redis.set(`project:${projectId}`, "x");\n';
      for (const dir of ['src', 'dist', 'build', 'node_modules/lib']) {
        mkdirSync(join(root, dir), { recursive: true });
        writeFileSync(join(root, dir, 'cache.ts'), write);
      }
      const walked = JSON.parse((await lintKeys(root, '--json')).stdout) as { files: number; findings: { file: string }[] };
      expect(walked.files).toBe(1);
      expect(walked.findings.map((f) => f.file)).toEqual(['src/cache.ts']);
      const named = JSON.parse((await lintKeys(join(root, 'dist'), '--json')).stdout) as { files: number; findings: { file: string; reason: string }[] };
      expect(named.files).toBe(1);
      expect(named.findings.map((f) => [f.file, f.reason])).toEqual([['cache.ts', 'no_tenant_scope']]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('needs only patterns and lint in the config, and refuses bad usage with exit 2', async () => {
    expect((await lintKeys()).code).toBe(2);
    expect((await lintKeys('test/fixtures/lint/go', '--json', '--sarif')).stderr).toContain('choose one of --json, --sarif');
    expect((await lintKeys('no/such/dir')).stderr).toContain('no/such/dir: no such file or directory');
    const help = await lintKeys('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: tenantwatch lint-keys');
  });
});
