import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLintTree } from '../../bench/lint-tree.js';

// The compiled CLI (npm test builds it first): only it can start the lint job processes.
function lintKeys(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/tenantwatch.js', 'lint-keys', ...args], {
      env: { ...process.env, TENANTWATCH_CONFIG: 'test/fixtures/lint/tenantwatch.yaml' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('lint-keys on a large tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'tw-lint-jobs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('splits the files across processes and reports exactly what one process finds', async () => {
    // Without the compiled job module lint-keys would quietly lint in one process.
    expect(existsSync('dist/src/lint/lint-job.js')).toBe(true);
    generateLintTree(root, 700);
    const [one, three] = await Promise.all([lintKeys([root, '--json', '--jobs', '1']), lintKeys([root, '--json', '--jobs', '3'])]);
    expect(one.stderr).toBe('');
    expect(three.stderr).toBe('');
    expect(three.code).toBe(1);
    const split = JSON.parse(three.stdout) as { files: number; findings: { reason: string }[] };
    expect(split.files).toBe(700);
    // Every generated file holds one unscoped and one unregistered write, among others.
    expect(split.findings.filter((f) => f.reason === 'no_tenant_scope').length).toBeGreaterThanOrEqual(700);
    expect(three.stdout).toBe(one.stdout);
  });

  it('refuses a --jobs that is not a positive integer, in one line', async () => {
    const { code, stderr } = await lintKeys([root, '--jobs', '0']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual(['tenantwatch: --jobs must be a positive integer, got "0"']);
  });
});
