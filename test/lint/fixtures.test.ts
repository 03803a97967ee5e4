import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/lint/lint-paths.js';
import { toJsonFinding } from '../../src/lint/lint-summary.js';
import { loadLintConfig } from '../../src/lint/load-lint-config.js';

const ROOT = 'test/fixtures/lint';
const options = loadLintConfig(join(ROOT, 'tenantwatch.yaml'), {});
const languages = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'sarif')
  .map((e) => e.name);

/**
 * Each fixture app sits beside the findings it must produce (expected.json). To regenerate after
 * a deliberate change: TENANTWATCH_UPDATE_FIXTURES=1, then review the diff line by line.
 */
describe('lint-keys fixture apps', () => {
  it.each(languages)('reports exactly the expected findings for the %s app', async (language) => {
    const dir = join(ROOT, language);
    const run = await lintPaths([dir], options, { jobs: 1 });
    const actual = { files: run.files, findings: run.results.map(toJsonFinding) };
    const expectedPath = join(dir, 'expected.json');
    if (process.env.TENANTWATCH_UPDATE_FIXTURES) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
  });

  it('covers every language lint-keys reads', () => {
    expect(languages.sort()).toEqual(['csharp', 'go', 'java', 'javascript', 'php', 'python', 'ruby', 'typescript']);
  });
});
