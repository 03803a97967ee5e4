import { UsageError } from '../../errors.js';
import { loadConfig, resolveConfigPath } from '../../config/load-config.js';
import { runScan } from '../../scan/run-scan.js';
import { failsAt } from '../../scan/scan-report.js';
import { decodeThreadsFromEnv, openScanSession } from '../../scan/open-scan-context.js';
import { COMMON_OPTIONS, parseCommandArgs, parseFailOn, parseLimit } from '../args.js';
import { print, type CommandIO } from '../io.js';
import { createProgress } from '../progress.js';
import { renderScanReport } from '../render-report.js';

export const SCAN_HELP = `usage: tenantwatch scan [--match GLOB] [--pattern NAME]... [--limit N] [--json] [--fail-on critical|warning|info|never] [--config PATH]

One full pass over the cache: every key is classified, read (size-guarded, rate limited by
sweep.rate), decoded, and checked against its owners in the source database.

  --match GLOB     only keys matching this SCAN MATCH glob
  --pattern NAME   only keys of this registered pattern (repeatable)
  --limit N        stop after N keys
  --json           print one JSON document on stdout
  --fail-on SEV    exit 1 when a finding is at or above SEV (default critical)

exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config/connection error
or keys that could not be checked (listed under "unchecked").`;

export const CHECK_HELP = `usage: tenantwatch check KEY... [--json] [--fail-on critical|warning|info|never] [--config PATH]

The checks of \`scan\` for the named keys only. Exit codes as \`scan\`.`;

/** `tenantwatch scan` and `tenantwatch check KEY…` (same checks, same output). */
export async function scanCommand(argv: string[], io: CommandIO, mode: 'scan' | 'check'): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: mode === 'check',
    options: {
      ...COMMON_OPTIONS,
      match: { type: 'string' },
      pattern: { type: 'string', multiple: true },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      'fail-on': { type: 'string' },
    },
  });
  if (values.help) {
    print(io.stdout, mode === 'scan' ? SCAN_HELP : CHECK_HELP);
    return 0;
  }
  if (mode === 'check' && positionals.length === 0) throw new UsageError('check needs at least one KEY');
  const failOn = parseFailOn(values['fail-on'], 'critical');
  const limit = parseLimit(values.limit);
  const config = loadConfig(resolveConfigPath(values.config, io.env), io.env);
  const known = new Set(config.patterns.map((p) => p.name));
  const unknown = (values.pattern ?? []).filter((p) => !known.has(p));
  if (unknown.length > 0) throw new UsageError(`--pattern: no pattern named ${unknown.map((u) => `"${u}"`).join(', ')} (have: ${[...known].join(', ')})`);

  const session = await openScanSession(config, { decodeThreads: decodeThreadsFromEnv(io.env), patternFilter: values.pattern ? new Set(values.pattern) : undefined });
  const progress = createProgress(io.stderr);
  let report;
  try {
    report = await runScan(session.ctx, session.cache, {
      match: values.match,
      limit,
      keys: mode === 'check' ? positionals : undefined,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
    await session.close();
  }
  print(io.stdout, values.json ? JSON.stringify(report) : renderScanReport(report));
  if (failsAt(report, failOn)) return 1;
  // A key that could not be checked is not clean: the gate must not pass on it.
  return report.unchecked.total > 0 ? 2 : 0;
}
