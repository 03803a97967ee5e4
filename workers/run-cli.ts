import { main } from '../src/cli/main.js';
import { demoServiceCommand } from './demo-command.js';
import { startCommand } from './start-command.js';

/**
 * Process entry point: the CLI plus the service commands that live outside src/ (imports
 * flow src ← alerts ← workers). The only place that touches the process exit code.
 */
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, { start: startCommand, demo: demoServiceCommand });
process.exitCode = code;
