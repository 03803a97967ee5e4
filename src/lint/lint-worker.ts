import { parentPort, workerData } from 'node:worker_threads';
import type { FoundFile } from './collect-files.js';
import { lintFile } from './lint-file.js';
import { compileLintSettings, type LintOptions } from './lint-settings.js';

/** A worker thread of lint-paths: lints its share of the files and posts the results back. */
const { options, files } = workerData as { options: LintOptions; files: FoundFile[] };
const settings = compileLintSettings(options);
parentPort?.postMessage(files.flatMap((f) => lintFile(f, settings)));
