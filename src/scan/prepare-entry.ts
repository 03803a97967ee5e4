import { isNegativeValue } from '../decode/negative-value.js';
import { canonicalTenant } from '../markers/canonical-tenant.js';
import { compileJsonPath, evaluateJsonPath } from '../markers/json-path.js';
import { JsonPathLimitError } from '../markers/json-path-limit-error.js';
import { extractMarkers } from '../markers/extract-markers.js';
import type { DecodeResult, ReadValue } from '../types.js';
import type { PatternChecks } from './compile-checks.js';

/** What the payload turned out to be, without its content. */
export type PayloadState =
  | { state: 'decoded'; negative: boolean }
  | { state: 'undecodable'; detail: string }
  | { state: 'oversized'; detail: string };

/** One thing checked on its own: the whole value, or one item of an `items` list. */
export interface CheckUnit {
  /** `item 3` for list items; undefined for the whole value. */
  label?: string;
  /** Marker tenants found (canonical); undefined when markers were not looked for. */
  markers?: { found: boolean; tenants: string[]; invalid: number };
  /** Values for the owner query, or why there are none. */
  match?: { values: string[] } | { missing: string };
}

/** Everything judged about one key before the source is asked. */
export interface EntryDraft {
  key: string;
  checks: PatternChecks;
  keyTenant?: string;
  payload: PayloadState;
  units: CheckUnit[];
}

/**
 * Turn a key's placeholders and decoded value into check units (pure).
 * `decoded` is undefined when the read itself produced no bytes to decode (oversized etc.).
 */
export function prepareEntry(key: string, values: Record<string, string>, checks: PatternChecks, read: ReadValue, decoded?: DecodeResult): EntryDraft {
  const keyTenant = values.tenant === undefined ? undefined : canonicalTenant(values.tenant);
  const payload = payloadState(read, decoded);
  // An empty list on an `items` pattern is a normal empty page, not a negative cache.
  if (payload.state === 'decoded' && checks.itemsPath && decoded?.ok && Array.isArray(decoded.value)) payload.negative = false;
  const draft: EntryDraft = { key, checks, keyTenant, payload, units: [] };
  const value = payload.state === 'decoded' && decoded?.ok ? decoded.value : undefined;
  const usable = payload.state === 'decoded' && !payload.negative;

  if (checks.itemsPath && usable) {
    try {
      const matched = evaluateJsonPath(value, checks.itemsPath);
      if (matched.length === 0 && !isEmptyList(value, checks)) {
        // The list is not where the pattern says: nothing was checked, so it must not pass as clean.
        draft.units.push({ markers: { found: false, tenants: [], invalid: 0 }, label: `items ${checks.config.items}` });
        return draft;
      }
      const items = matched.flatMap((v) => (Array.isArray(v) ? v : [v]));
      items.forEach((item, i) => draft.units.push(unitFor(item, values, checks, `item ${i}`)));
    } catch (err) {
      if (!(err instanceof JsonPathLimitError)) throw err;
      // A payload built to explode a path (shared sub-objects) is not checkable: say so.
      return { ...draft, payload: { state: 'undecodable', detail: err.message }, units: [] };
    }
    return draft;
  }
  if (checks.itemsPath) {
    // Without decoded items only the key-derived part of the owner check can run.
    if (checks.matchSources.every((s) => s.from === 'key')) draft.units.push(unitFor(undefined, values, checks));
    return draft;
  }
  try {
    draft.units.push(unitFor(usable ? value : undefined, values, checks, undefined, usable));
  } catch (err) {
    if (!(err instanceof JsonPathLimitError)) throw err;
    return { ...draft, payload: { state: 'undecodable', detail: err.message }, units: [] };
  }
  return draft;
}

/** `{"items": []}` for `$.items[*]`: an empty page, which is normal. */
function isEmptyList(value: unknown, checks: PatternChecks): boolean {
  const path = checks.config.items ?? '';
  const parent = path.endsWith('[*]') ? path.slice(0, -3) : undefined;
  if (parent === undefined) return false;
  const lists = parent === '$' ? [value] : evaluateJsonPath(value, compileJsonPath(parent));
  return lists.length > 0 && lists.every((l) => Array.isArray(l) && l.length === 0);
}

function unitFor(value: unknown, keyValues: Record<string, string>, checks: PatternChecks, label?: string, withMarkers = true): CheckUnit {
  const unit: CheckUnit = { label };
  const available = value !== undefined && withMarkers;
  if (available && checks.markerPaths.length > 0) unit.markers = extractMarkers(value, checks.markerPaths);
  if (checks.ownerQuery) {
    const values: string[] = [];
    for (const s of checks.matchSources) {
      if (s.from === 'key') {
        values.push(keyValues[s.placeholder] ?? '');
        continue;
      }
      if (!available) return { ...unit, match: { missing: 'payload not decoded' } };
      const found = evaluateJsonPath(value, s.path)[0];
      const text = typeof found === 'string' || typeof found === 'number' || typeof found === 'bigint' ? String(found) : undefined;
      if (text === undefined) return { ...unit, match: { missing: 'owner match value missing from payload' } };
      values.push(text);
    }
    unit.match = { values };
  }
  return unit;
}

function payloadState(read: ReadValue, decoded?: DecodeResult): PayloadState {
  if (read.status === 'oversized') return { state: 'oversized', detail: `value of ${read.size} bytes exceeds maxValueBytes` };
  if (read.status === 'wrongtype') return { state: 'undecodable', detail: `key holds a Redis ${read.redisType}, which this pattern cannot read` };
  if (read.status === 'missing-field') return { state: 'undecodable', detail: `hash has no field "${read.field}"` };
  if (!decoded) return { state: 'undecodable', detail: 'no payload was read' };
  if (!decoded.ok) return decoded.reason === 'oversized' ? { state: 'oversized', detail: decoded.detail } : { state: 'undecodable', detail: `${decoded.format}: ${decoded.detail}` };
  return { state: 'decoded', negative: isNegativeValue(decoded.value) };
}
