import { loadConfig, resolveConfigPath } from '../../config/load-config.js';
import { connectCache } from '../../cache/connect-cache.js';
import { compileRegistry } from '../../registry/classify-key.js';
import { runAudit } from '../../scan/run-audit.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { print, type CommandIO } from '../io.js';
import { renderAuditReport } from '../render-report.js';

export const AUDIT_HELP = `usage: tenantwatch audit [--match GLOB] [--json] [--config PATH]

The registry audit: keys per pattern, the inferred shapes of keys that match no pattern,
and the patterns without {tenant}. Reads key names only (SCAN), never values.

exit codes: 0 every key is registered and every pattern is tenant-scoped or global,
1 an unregistered shape or an unscoped pattern exists, 2 usage/config/connection error.`;

export async function auditCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { ...COMMON_OPTIONS, match: { type: 'string' }, json: { type: 'boolean' } } });
  if (values.help) {
    print(io.stdout, AUDIT_HELP);
    return 0;
  }
  const config = loadConfig(resolveConfigPath(values.config, io.env), io.env);
  const cache = await connectCache(config.cache);
  try {
    const report = await runAudit(compileRegistry(config.patterns), config.patterns, cache, { match: values.match, count: config.sweep.count });
    print(io.stdout, values.json ? JSON.stringify(report) : renderAuditReport(report));
    return report.unregistered.length > 0 || report.unscopedPatterns.length > 0 ? 1 : 0;
  } finally {
    await cache.close();
  }
}
