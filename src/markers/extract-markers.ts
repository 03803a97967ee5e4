import { canonicalTenant } from './canonical-tenant.js';
import { evaluateJsonPath, type JsonPath } from './json-path.js';

/** The tenant markers of one payload (or one list item). */
export interface MarkerResult {
  /** An alternative path matched a value other than null: the marker is present. */
  found: boolean;
  /** Canonical tenant ids named by the marker, de-duplicated, in document order. */
  tenants: string[];
  /** Matched values that are not scalar tenant ids (null inside a list, objects, booleans, ""). */
  invalid: number;
}

/**
 * Reads the tenant markers of a decoded value. `alternatives` are tried in order and the first
 * that exists counts (SPEC §2). A path whose matches are all null or undefined does not exist:
 * `{"tenant_id": null}` is an unmarked payload, as serializers write null for a missing field,
 * and the next alternative gets its turn.
 */
export function extractMarkers(value: unknown, alternatives: readonly JsonPath[]): MarkerResult {
  for (const path of alternatives) {
    const matched = evaluateJsonPath(value, path);
    if (!matched.some((v) => v !== null && v !== undefined)) continue;
    const tenants = new Set<string>();
    let invalid = 0;
    for (const v of matched) {
      const tenant = canonicalTenant(v);
      if (tenant === undefined) invalid += 1;
      else tenants.add(tenant);
    }
    return { found: true, tenants: [...tenants], invalid };
  }
  return { found: false, tenants: [], invalid: 0 };
}
