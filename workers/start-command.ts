import { pino } from 'pino';
import { loadConfig, resolveConfigPath } from '../src/config/load-config.js';
import type { TenantwatchConfig } from '../src/config/validate-config.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../src/cli/args.js';
import { print, type CommandIO } from '../src/cli/io.js';
import { UsageError } from '../src/errors.js';
import { createMetrics } from '../src/metrics/metrics.js';
import { serveApi, type RunningApi } from '../src/http/serve-api.js';
import { startService } from './start-service.js';

export const START_HELP = `usage: tenantwatch start [--worker] [--api] [--concurrency N] [--config PATH]

The always-on watchdog. With --worker (the default): migrates the state schema, schedules a
sweep every sweep.every, checks sweep batches (N at once, default 4), samples sweep.sample
random keys a minute, checks written keys in real time with realtime.keyspaceEvents, confirms
critical findings after confirm.after and groups them into incidents. Run as many worker
processes, on as many machines, as the keyspace needs: they share one queue Redis
(state.redis) and one state database, and sweep.rate bounds their reads together.

Logs are JSON lines on stdout (pino). SIGTERM or SIGINT stops gracefully: running batches
finish or go back to the queue; an interrupted sweep resumes from its checkpoint.

  --worker         run the watchdog workers
  --api            serve the HTTP API and dashboard on api.host:api.port
                   (neither flag: both, in this one process)
  --concurrency N  check batches this process runs at once (default 4)`;

/** `tenantwatch start`: runs until SIGTERM/SIGINT, then exits 0 after a graceful stop. */
export async function startCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: { ...COMMON_OPTIONS, worker: { type: 'boolean' }, api: { type: 'boolean' }, concurrency: { type: 'string' } },
  });
  if (values.help) {
    print(io.stdout, START_HELP);
    return 0;
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got "${values.concurrency}"`);
  const config = loadConfig(resolveConfigPath(values.config, io.env), io.env);
  const both = !values.api && !values.worker;
  return runService(config, io, { worker: values.worker || both, api: values.api || both, concurrency });
}

export interface RunOptions {
  worker: boolean;
  api: boolean;
  concurrency: number;
  /** Called once everything listens (the demo prints where to look). */
  onReady?: (api?: RunningApi) => void;
}

/** Run the workers and/or the API until SIGTERM/SIGINT, then stop gracefully; exit code 0. */
export async function runService(config: TenantwatchConfig, io: CommandIO, opts: RunOptions): Promise<number> {
  const log = pino({ base: { service: 'tenantwatch' }, level: io.env.LOG_LEVEL ?? 'info' }, io.stdout);
  const lockMs = io.env.TENANTWATCH_JOB_LOCK_MS ? Number(io.env.TENANTWATCH_JOB_LOCK_MS) : undefined;
  const metrics = createMetrics();
  const service = opts.worker ? await startService(config, log, { concurrency: opts.concurrency, lockDurationMs: lockMs && lockMs > 0 ? lockMs : undefined, metrics }) : undefined;
  let api: RunningApi | undefined;
  try {
    if (opts.api) api = await serveApi(config, log, metrics, { logger: false });
  } catch (err) {
    await service?.close();
    throw err;
  }
  opts.onReady?.(api);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'signal received');
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      // A second signal while stopping falls through to Node's default: exit now.
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
  await api?.close();
  await service?.close();
  return 0;
}
