import { TenantwatchError } from '../errors.js';

/**
 * A key pattern of the registry cannot be parsed. It is a config problem (code `CONFIG`), so the
 * CLI refuses to start with exit code 2, as for any other invalid config.
 */
export class PatternSyntaxError extends TenantwatchError {
  /** What is wrong, without position or context: "empty placeholder name". */
  readonly reason: string;
  /** The key pattern as written in the config. */
  readonly pattern: string;
  /** UTF-16 offset in `pattern` where the problem starts. */
  readonly offset: number;

  constructor(reason: string, pattern: string, offset: number, options?: { cause?: unknown; context?: string }) {
    // JSON.stringify so a pattern holding a newline or a quote still reads as one line.
    const where = `at offset ${offset} of key pattern ${JSON.stringify(pattern)}`;
    const prefix = options?.context === undefined ? '' : `${options.context}: `;
    super('CONFIG', `${prefix}${reason} ${where}`, options);
    this.reason = reason;
    this.pattern = pattern;
    this.offset = offset;
  }
}
