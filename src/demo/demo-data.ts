/**
 * The demo app's data: four tenants whose project ids collide (per-tenant ids, as in the
 * incident), the incident's own unscoped `project:1041` key, a cross-tenant payload, a
 * poisoned list page and an unregistered key shape.
 */
export const DEMO_TENANTS = ['acme', 'globex', 'initech', 'umbrella'] as const;
export const DEMO_PROJECT_IDS = { from: 1001, to: 1050 };

export interface DemoKey {
  key: string;
  /** A JSON value (written as a string), or hash fields. */
  value?: unknown;
  hash?: Record<string, string>;
  ttlSeconds?: number;
}

const project = (tenant: string, id: number) => ({ id, tenant_id: tenant, name: `${tenant} project ${id}`, budget: 1000 + id });

export function demoKeys(): DemoKey[] {
  const keys: DemoKey[] = [];
  for (const t of DEMO_TENANTS) {
    for (let id = DEMO_PROJECT_IDS.from; id < DEMO_PROJECT_IDS.from + 10; id++) {
      keys.push({ key: `project:${t}:${id}`, value: project(t, id), ttlSeconds: 3600 });
    }
    keys.push({ key: `projects:${t}:page:1`, value: { items: [project(t, 1001), project(t, 1002)] }, ttlSeconds: 600 });
    keys.push({ key: `sess:${t}:s-${t}-1`, hash: { data: JSON.stringify({ tenantId: t, user: 7 }), absexp: '-1', sldexp: '1200000000' } });
  }
  // The incident: an unscoped key; project 1041 exists in every tenant, so whoever reads
  // `project:1041` next is served acme's confidential project.
  keys.push({ key: 'project:1041', value: project('acme', 1041), ttlSeconds: 259200 });
  // A payload cached under another tenant's key (a racing write or a wrong cache fill).
  keys.push({ key: 'project:globex:1007', value: project('acme', 1007), ttlSeconds: 3600 });
  // A list page of initech with one of umbrella's projects in it.
  keys.push({ key: 'projects:initech:page:2', value: { items: [project('initech', 1011), project('umbrella', 1012)] }, ttlSeconds: 600 });
  // A new feature cached without registering its keys.
  keys.push({ key: 'new_resource:123', value: { id: 123, tenant_id: 'acme' } });
  keys.push({ key: 'new_resource:456', value: { id: 456, tenant_id: 'globex' } });
  keys.push({ key: 'health:last-export', value: { at: '2026-11-28T03:00:00Z' } });
  return keys;
}
