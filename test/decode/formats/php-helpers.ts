import { readFileSync } from 'node:fs';
import type { DecodeContext } from '../../../src/decode/formats/format-decoder.js';
import { formatContext } from '../helpers/fixtures.js';
import { phpFormat } from '../../../src/decode/formats/php.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { isNegativeValue } from '../../../src/decode/negative-value.js';
import { compileJsonPath } from '../../../src/markers/json-path.js';
import { extractMarkers } from '../../../src/markers/extract-markers.js';

/** A context as the pipeline builds one for a pattern naming `format: php`. */
export function phpContext(overrides: Partial<DecodeContext> = {}): DecodeContext {
  return formatContext(overrides);
}

/** PHP serialize() text as bytes; `~` stands for the NUL of mangled property names. */
export const php = (text: string): Uint8Array => Buffer.from(text.replaceAll('~', '\0'), 'utf8');

export function decodePhp(bytes: Uint8Array | string, overrides: Partial<DecodeContext> = {}): unknown {
  return phpFormat.decode(typeof bytes === 'string' ? php(bytes) : bytes, phpContext(overrides));
}

/** The DecodeError decode() throws (fails the test if it returns or throws anything else). */
export function decodeFailure(bytes: Uint8Array | string, overrides: Partial<DecodeContext> = {}): DecodeError {
  try {
    decodePhp(bytes, overrides);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected the value to be undecodable');
}

export interface LaravelManifest {
  framework: string;
  pattern: { format: string; marker: string[]; type: string };
  fixtures: { file: string; keyTenant: string; expect: string[] }[];
}

const ROOT = new URL('../../fixtures/frameworks/laravel/', import.meta.url);

export const laravelManifest = JSON.parse(readFileSync(new URL('manifest.json', ROOT), 'utf8')) as LaravelManifest;

export function laravelFixture(file: string): Uint8Array {
  return readFileSync(new URL(file, ROOT));
}

const markerPaths = laravelManifest.pattern.marker.map(compileJsonPath);

/**
 * The payload-only finding kinds (SPEC §3) a scan derives from one value: what the decoder and
 * the marker paths make of it, with no owner table involved.
 */
export function payloadKinds(bytes: Uint8Array, keyTenant: string): string[] {
  let value: unknown;
  try {
    value = phpFormat.decode(bytes, phpContext());
  } catch (error) {
    if (error instanceof DecodeError) return ['undecodable'];
    throw error;
  }
  if (isNegativeValue(value)) return ['negative_cache'];
  const markers = extractMarkers(value, markerPaths);
  const kinds: string[] = [];
  if (!markers.found || markers.tenants.length === 0) kinds.push('unmarked_payload');
  if (markers.tenants.some((t) => t !== keyTenant)) kinds.push('cross_tenant_payload');
  return kinds.sort();
}
