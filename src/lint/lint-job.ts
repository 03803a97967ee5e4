import { lintFiles } from './lint-file.js';
import type { LintJob } from './lint-paths.js';
import { compileLintSettings } from './lint-settings.js';

/** A child process of lint-paths: lints the share of files it is sent and sends the results back. */
process.once('message', (message) => {
  const { options, files } = message as LintJob;
  void lintFiles(files, compileLintSettings(options)).then((results) => process.send?.(results, () => process.disconnect()));
});
