/**
 * A JSONPath matched more values than tenantwatch will collect from one payload. Decoded
 * pickles and Java streams may share sub-objects, so `$[*][*]` over a payload of a few
 * kilobytes can name billions of values; the payload is reported, not walked.
 */
export class JsonPathLimitError extends Error {
  readonly code = 'JSON_PATH_LIMIT';
  readonly limit: number;

  constructor(limit: number) {
    super(`JSONPath matched more than ${limit} values`);
    this.name = 'JsonPathLimitError';
    this.limit = limit;
  }
}
