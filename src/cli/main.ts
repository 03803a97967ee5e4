import { ConfigError, TenantwatchError, UsageError, describeError } from '../errors.js';
import { auditCommand } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { lintKeysCommand } from './commands/lint-keys.js';
import { migrateCommand } from './commands/migrate.js';
import { scanCommand } from './commands/scan.js';
import { print, type CommandIO } from './io.js';

export const MAIN_HELP = `usage: tenantwatch <command> [options]

commands:
  scan       one full pass over the cache; findings as a table or --json
  check      the same checks for named keys
  audit      keys per pattern, unregistered key shapes, unscoped patterns
  lint-keys  find cache writes in source code whose keys are unregistered or lack tenant scope
  demo       seed a demo app with planted leaks, scan it, then watch it (dashboard)
  start      the always-on watchdog: sweeps, sampling, real-time checks, incidents
  migrate    create or upgrade the state schema

The config is read from --config PATH, else $TENANTWATCH_CONFIG, else ./tenantwatch.yaml.
Run \`tenantwatch <command> --help\` for a command's options.`;

/** A command the entry point adds (the service lives outside src/, which must not import it). */
export type ExtraCommand = (argv: string[], io: CommandIO) => Promise<number>;

/** Run the CLI; resolves to the process exit code (SPEC §4). */
export async function main(argv: string[], io: CommandIO, extra: Record<string, ExtraCommand> = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const added = command !== undefined && Object.hasOwn(extra, command) ? extra[command] : undefined;
    if (added) return await added(rest, io);
    switch (command) {
      case 'migrate':
        return await migrateCommand(rest, io);
      case 'scan':
        return await scanCommand(rest, io, 'scan');
      case 'check':
        return await scanCommand(rest, io, 'check');
      case 'audit':
        return await auditCommand(rest, io);
      case 'demo':
        return await demoCommand(rest, io);
      case 'lint-keys':
        return await lintKeysCommand(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        print(io.stdout, MAIN_HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" (try: tenantwatch --help)`);
    }
  } catch (err) {
    return reportError(err, io);
  }
}

/** One clear line (or the list of config problems), exit 2. Stack traces only for bugs. */
function reportError(err: unknown, io: CommandIO): number {
  if (err instanceof ConfigError) print(io.stderr, `tenantwatch: ${err.message}`);
  else if (err instanceof TenantwatchError) print(io.stderr, `tenantwatch: ${err.message}`);
  else {
    print(io.stderr, `tenantwatch: unexpected error: ${describeError(err)}`);
    if (io.env.TENANTWATCH_DEBUG) print(io.stderr, String((err as Error).stack));
  }
  return 2;
}
