import type { Finding } from '../types.js';

/** One edge of an incident's blast radius: `exposed` may be served `owner`'s data. */
export interface Exposure {
  owner: string;
  exposed: string;
}

/**
 * Whose data a critical finding puts in front of whom (SPEC §5 blast radius).
 * - cross_tenant_payload / foreign_owner: the payload's marker names the data's tenant; the
 *   reader is the key's tenant, or for an unscoped key every owner of the row it names.
 * - key_owner_mismatch: the row's owners' data sits under another tenant's key.
 * - unscoped_collision: each owner of the colliding id may be served any other owner's copy;
 *   with a marker, the cached copy is the marker tenant's.
 * Other kinds expose nothing.
 */
export function exposurePairs(f: Finding): Exposure[] {
  const markers = f.markerTenants ?? [];
  const owners = f.ownerTenants ?? [];
  const pairs: Exposure[] = [];
  const add = (owner: string, exposed: string) => {
    if (owner !== exposed && !pairs.some((p) => p.owner === owner && p.exposed === exposed)) pairs.push({ owner, exposed });
  };
  switch (f.kind) {
    case 'cross_tenant_payload':
    case 'foreign_owner': {
      const readers = f.keyTenant !== undefined ? [f.keyTenant] : owners;
      for (const m of markers) for (const r of readers) add(m, r);
      break;
    }
    case 'key_owner_mismatch':
      if (f.keyTenant !== undefined) for (const o of owners) add(o, f.keyTenant);
      break;
    case 'unscoped_collision': {
      const dataOwners = markers.length > 0 ? markers : owners;
      for (const d of dataOwners) for (const o of owners) add(d, o);
      break;
    }
    default:
      break;
  }
  return pairs;
}
