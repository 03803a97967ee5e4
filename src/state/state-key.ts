/**
 * Keys as the state stores them. Postgres text cannot hold U+0000, and a Redis key may contain
 * any byte; a key with NUL is stored with U+FFFD in its place (as invalid UTF-8 bytes already
 * are by the UTF-8 decoding of keys), consistently everywhere, so a batch with such a key is
 * recorded instead of failing on every retry. The exact bytes travel in queue jobs instead.
 */
export function stateKey(key: string): string {
  return key.includes('\u0000') ? key.split('\u0000').join('\uFFFD') : key;
}

/** JSON bound for a jsonb parameter, with every NUL escape replaced the same way. */
export function stateJson(value: unknown): string {
  return JSON.stringify(value).replace(/\\u0000/g, '\\ufffd');
}
