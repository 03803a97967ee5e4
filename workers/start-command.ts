import { pino } from 'pino';
import { loadConfig, resolveConfigPath } from '../src/config/load-config.js';
import type { TenantwatchConfig } from '../src/config/validate-config.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../src/cli/args.js';
import { print, type CommandIO } from '../src/cli/io.js';
import { decodeThreadsFromEnv } from '../src/scan/open-scan-context.js';
import { describeError, UsageError } from '../src/errors.js';
import { createMetrics } from '../src/metrics/metrics.js';
import { serveMetrics, type MetricsServer } from '../src/metrics/serve-metrics.js';
import { serveApi, type RunningApi } from '../src/http/serve-api.js';
import { startService } from './start-service.js';

/** Prometheus' registered default port for exporters of this kind (node_exporter is 9100). */
export const DEFAULT_METRICS_PORT = 9464;

export const START_HELP = `usage: tenantwatch start [--worker] [--api] [--concurrency N] [--metrics-port N] [--config PATH]

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
  --concurrency N  check batches this process runs at once (default 4)
  --metrics-port N with --worker alone: serve GET /metrics and /healthz on api.host:N
                   (default ${DEFAULT_METRICS_PORT}; 0 for none). Each worker's counters live in
                   its own process: give each worker on one machine its own port, and scrape
                   them all. With the API in the process, /metrics is served there.`;

/** `tenantwatch start`: runs until SIGTERM/SIGINT, then exits 0 after a graceful stop. */
export async function startCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: { ...COMMON_OPTIONS, worker: { type: 'boolean' }, api: { type: 'boolean' }, concurrency: { type: 'string' }, 'metrics-port': { type: 'string' } },
  });
  if (values.help) {
    print(io.stdout, START_HELP);
    return 0;
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got "${values.concurrency}"`);
  const metricsPort = values['metrics-port'] === undefined ? DEFAULT_METRICS_PORT : Number(values['metrics-port']);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) throw new UsageError(`--metrics-port must be a port number (0 for none), got "${values['metrics-port']}"`);
  const config = loadConfig(resolveConfigPath(values.config, io.env), io.env);
  const both = !values.api && !values.worker;
  return runService(config, io, { worker: values.worker || both, api: values.api || both, concurrency, metricsPort });
}

export interface RunOptions {
  worker: boolean;
  api: boolean;
  concurrency: number;
  /** A worker-only process serves /metrics here (0 or absent: not at all). */
  metricsPort?: number;
  /** Called once everything listens (the demo prints where to look). */
  onReady?: (api?: RunningApi) => void;
}

/** Run the workers and/or the API until SIGTERM/SIGINT, then stop gracefully; exit code 0. */
export async function runService(config: TenantwatchConfig, io: CommandIO, opts: RunOptions): Promise<number> {
  const log = pino({ base: { service: 'tenantwatch' }, level: io.env.LOG_LEVEL ?? 'info' }, io.stdout);
  const lockMs = io.env.TENANTWATCH_JOB_LOCK_MS ? Number(io.env.TENANTWATCH_JOB_LOCK_MS) : undefined;
  const metrics = createMetrics();
  const service = opts.worker ? await startService(config, log, { concurrency: opts.concurrency, lockDurationMs: lockMs && lockMs > 0 ? lockMs : undefined, metrics, decodeThreads: decodeThreadsFromEnv(io.env) }) : undefined;
  let api: RunningApi | undefined;
  try {
    if (opts.api) api = await serveApi(config, log, metrics, { logger: false, stateFigures: !service });
  } catch (err) {
    await service?.close();
    throw err;
  }
  let metricsServer: MetricsServer | undefined;
  if (!opts.api && opts.metricsPort) {
    const host = config.api?.host ?? '0.0.0.0';
    try {
      metricsServer = await serveMetrics(metrics, host, opts.metricsPort);
      log.info({ url: `${metricsServer.url}/metrics` }, 'metrics listening');
    } catch (err) {
      await service?.close();
      const inUse = (err as { code?: unknown }).code === 'EADDRINUSE';
      throw new UsageError(
        inUse
          ? `cannot serve metrics on ${host}:${opts.metricsPort}: the port is in use (give each worker process on a machine its own --metrics-port, or 0 for none)`
          : `cannot serve metrics on ${host}:${opts.metricsPort}: ${describeError(err)}`,
      );
    }
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
  await metricsServer?.close();
  await service?.close();
  return 0;
}
