import { UsageError } from '../../errors.js';
import { resolveConfigPath } from '../../config/load-config.js';
import { loadLintConfig } from '../../lint/load-lint-config.js';
import { lintExitCode, summarize, toJsonFinding } from '../../lint/lint-summary.js';
import { lintPaths } from '../../lint/lint-paths.js';
import { renderGithub } from '../../lint/render/render-github.js';
import { renderLintTable } from '../../lint/render/render-lint-table.js';
import { renderSarif } from '../../lint/render/render-sarif.js';
import { renderSuggest } from '../../lint/render/render-suggest.js';
import { COMMON_OPTIONS, parseCommandArgs, parseFailOn } from '../args.js';
import { print, type CommandIO } from '../io.js';

// SARIF's tool.driver.version; kept with package.json's version.
const TOOL_VERSION = '0.1.0';

export const LINT_KEYS_HELP = `usage: tenantwatch lint-keys PATH... [--json | --sarif | --github | --suggest] [--fail-on critical|warning|info|never] [--config PATH]

The static side of tenantwatch: finds the cache writes in application source (Python, JS/TS,
Ruby, PHP, Java, Go, C#), resolves each key template and checks it against the patterns of
tenantwatch.yaml. Needs only \`patterns\` (and \`lint\`) in the config; no Redis or Postgres.

  --json           one JSON document: {"files", "findings", "summary"}
  --sarif          a SARIF 2.1.0 log (for GitHub code scanning)
  --github         GitHub Actions annotations (::error file=…,line=…::…)
  --suggest        registry entries for every unregistered template, as YAML
  --fail-on SEV    exit 1 when an unsuppressed finding is at or above SEV (default warning)
  --jobs N         processes linting in parallel (default: one per core)

findings: unregistered (per \`unregistered\`, default warning), no_tenant_scope and
non_tenant_expression (critical), unresolved (info), parse_error (warning).
Suppress one write with a comment on its line or the line above: tenantwatch: ignore[reason]

exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config error or a file that could
not be parsed.`;

/** `tenantwatch lint-keys PATH…` (SPEC §4, §4a). */
export async function lintKeysCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      json: { type: 'boolean' },
      sarif: { type: 'boolean' },
      github: { type: 'boolean' },
      suggest: { type: 'boolean' },
      'fail-on': { type: 'string' },
      jobs: { type: 'string' },
    },
  });
  if (values.help) {
    print(io.stdout, LINT_KEYS_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('lint-keys needs at least one PATH');
  const formats = (['json', 'sarif', 'github', 'suggest'] as const).filter((f) => values[f]);
  if (formats.length > 1) throw new UsageError(`choose one of --${formats.join(', --')}`);
  const failOn = parseFailOn(values['fail-on'], 'warning');
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs must be a positive integer, got "${values.jobs}"`);

  const options = loadLintConfig(resolveConfigPath(values.config, io.env), io.env);
  const { files, results } = await lintPaths(positionals, options, { jobs });
  const summary = summarize(results);
  switch (formats[0]) {
    case 'json':
      print(io.stdout, JSON.stringify({ files, findings: results.map(toJsonFinding), summary }));
      break;
    case 'sarif':
      print(io.stdout, JSON.stringify(renderSarif(results, TOOL_VERSION), null, 2));
      break;
    case 'github':
      if (results.some((r) => !r.suppressed)) print(io.stdout, renderGithub(results));
      print(io.stdout, `tenantwatch lint-keys: ${files} files, ${summary.findings} findings, ${summary.suppressed} suppressed`);
      break;
    case 'suggest':
      print(io.stdout, renderSuggest(results, options.patterns.map((p) => p.name)));
      break;
    default:
      print(io.stdout, renderLintTable(files, results, summary));
  }
  return lintExitCode(results, failOn);
}
