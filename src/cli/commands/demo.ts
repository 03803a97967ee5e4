import pg from 'pg';
import { openRedis } from '../../cache/connect-cache.js';
import { redactUrl } from '../../cache/redact-url.js';
import { loadConfig, resolveConfigPath } from '../../config/load-config.js';
import { seedDemo } from '../../demo/seed-demo.js';
import { ConfigError, SourceUnavailable, describeError } from '../../errors.js';
import { decodeThreadsFromEnv, openScanSession } from '../../scan/open-scan-context.js';
import { runScan } from '../../scan/run-scan.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { print, type CommandIO } from '../io.js';
import { createProgress } from '../progress.js';
import { renderScanReport } from '../render-report.js';

export const DEMO_HELP = `usage: tenantwatch demo [--seed-only] [--json] [--config PATH]

Seeds a demo multi-tenant app into the configured cache and source: four tenants whose
project ids collide, the incident's unscoped key project:1041, a cross-tenant payload, a
poisoned list page and an unregistered key shape. Then runs a scan and shows what it finds.
With --seed-only it only seeds (then run: npx tenantwatch scan).`;

export async function demoCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { ...COMMON_OPTIONS, 'seed-only': { type: 'boolean' }, json: { type: 'boolean' } } });
  if (values.help) {
    print(io.stdout, DEMO_HELP);
    return 0;
  }
  const config = loadConfig(resolveConfigPath(values.config, io.env), io.env);
  const projects = config.patterns.find((p) => p.owner && !p.items)?.owner?.table;
  if (!config.cache.url || !config.source || !projects || !config.tenants) {
    throw new ConfigError(['demo: needs cache.url, source.url, tenants.table and a pattern with owner.table (see tenantwatch.yaml in the repository)']);
  }
  const redis = await openRedis(config.cache.url, {});
  const pool = new pg.Pool({ connectionString: config.source.url, max: 1, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  try {
    const seeded = await seedDemo(redis, pool, { projects, tenants: config.tenants.table }).catch((err: unknown) => {
      throw new SourceUnavailable(`demo seeding against ${redactUrl(config.source!.url)} failed: ${describeError(err)}`, { cause: err });
    });
    print(io.stderr, `seeded ${seeded.keys} cache keys into ${redactUrl(config.cache.url)} and ${seeded.projects} projects into ${projects}`);
  } finally {
    redis.disconnect();
    await pool.end();
  }
  if (values['seed-only']) {
    print(io.stderr, 'now run: npx tenantwatch scan');
    return 0;
  }
  const session = await openScanSession(config, { rate: 0, decodeThreads: decodeThreadsFromEnv(io.env) });
  const progress = createProgress(io.stderr);
  try {
    const report = await runScan(session.ctx, session.cache, { onProgress: (p) => progress.update(p) });
    progress.stop();
    print(io.stdout, values.json ? JSON.stringify(report) : renderScanReport(report));
    if (!values.json) {
      print(io.stderr, '\nThe critical findings above are the planted leaks; `npx tenantwatch scan --json` gives the same as JSON.');
    }
    return 0;
  } finally {
    progress.stop();
    await session.close();
  }
}
