import { TenantwatchError } from '../errors.js';

/**
 * A `marker` or `items` path of the config is outside tenantwatch's JSONPath subset or
 * malformed. A config problem (code `CONFIG`): the CLI refuses to start with exit code 2.
 */
export class JsonPathSyntaxError extends TenantwatchError {
  /** What is wrong, without position: "expected ']'". */
  readonly reason: string;
  readonly path: string;
  /** UTF-16 offset in `path` where the problem starts. */
  readonly offset: number;

  constructor(reason: string, path: string, offset: number) {
    super('CONFIG', `${reason} at offset ${offset} of JSONPath ${JSON.stringify(path)}`);
    this.reason = reason;
    this.path = path;
    this.offset = offset;
  }
}
