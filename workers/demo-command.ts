import { loadConfig, resolveConfigPath } from '../src/config/load-config.js';
import { demoCommand, DEMO_HELP } from '../src/cli/commands/demo.js';
import { print, type CommandIO } from '../src/cli/io.js';
import { runService } from './start-command.js';

export const DEMO_SERVICE_HELP = `${DEMO_HELP}

Unless --seed-only, --scan-only or --json is given, it then starts the watchdog (workers and
API in this process) and prints the dashboard's address; the planted leaks show there as
incidents within seconds. Ctrl-C stops it.

  --scan-only   seed and scan, then exit (no service)`;

/** `tenantwatch demo`: seed, scan once, then run the service so the dashboard shows the incident. */
export async function demoServiceCommand(argv: string[], io: CommandIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    print(io.stdout, DEMO_SERVICE_HELP);
    return 0;
  }
  const scanOnly = argv.includes('--scan-only');
  const rest = argv.filter((a) => a !== '--scan-only');
  const code = await demoCommand(rest, io);
  if (code !== 0 || scanOnly || rest.includes('--seed-only') || rest.includes('--json')) return code;
  const at = rest.indexOf('--config');
  const config = loadConfig(resolveConfigPath(at >= 0 ? rest[at + 1] : rest.find((a) => a.startsWith('--config='))?.slice(9), io.env), io.env);
  return runService(config, io, {
    worker: true,
    api: true,
    concurrency: 4,
    onReady: (api) => {
      const token = config.api?.tokens[0];
      const url = api?.url.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost') ?? 'http://localhost:8080';
      print(io.stderr, `\ntenantwatch is watching the demo. Dashboard: ${url}/${token ? ` (token: ${token.token})` : ''}\nThe planted leaks appear as incidents within seconds. Ctrl-C to stop.`);
    },
  });
}
