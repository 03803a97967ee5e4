import { main } from './main.js';

/** Process entry point: the only place that touches process.exit. */
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
process.exitCode = code;
