import { lintFiles } from './lint-file.js';
import type { LintJob } from './lint-paths.js';
import { compileLintSettings, type LintSettings } from './lint-settings.js';

/**
 * A child process of lint-paths: lints each batch of files it is sent and sends the results
 * back; an empty batch ends it.
 */
let settings: LintSettings | undefined;
process.on('message', (message) => {
  const { options, files } = message as LintJob;
  if (files.length === 0) {
    process.disconnect();
    return;
  }
  if (options !== undefined) settings = compileLintSettings(options);
  if (settings === undefined) throw new Error('lint job: the first batch came without options');
  void lintFiles(files, settings).then((results) => process.send?.(results));
});
