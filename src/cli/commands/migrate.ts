import { loadConfig, resolveConfigPath } from '../../config/load-config.js';
import { connectState } from '../../state/connect-state.js';
import { migrate } from '../../state/migrate.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { print, type CommandIO } from '../io.js';

export const MIGRATE_HELP = `usage: tenantwatch migrate [--config PATH]

Create or upgrade tenantwatch's state schema (state.schema, default "tenantwatch") in
state.database (default: source.url). Safe to run from several processes at once; \`start\`
runs it too. Exit 0 when the schema is current, 2 on a connection or migration error.`;

/** `tenantwatch migrate`: apply pending numbered migrations under an advisory lock. */
export async function migrateCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { ...COMMON_OPTIONS } });
  if (values.help) {
    print(io.stdout, MIGRATE_HELP);
    return 0;
  }
  const config = loadConfig(resolveConfigPath(values.config, io.env), io.env);
  const state = await connectState(config, { max: 1 });
  try {
    const applied = await migrate(state.pool, state.schema);
    print(io.stdout, applied.length > 0 ? `applied ${applied.join(', ')} to schema ${state.schema}` : `schema ${state.schema} is up to date`);
    return 0;
  } finally {
    await state.close();
  }
}
