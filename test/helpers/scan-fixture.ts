/**
 * The incident's world for scan tests: tenants acme and globex whose project ids collide
 * (both own project 1041), in a test file's own Postgres schema and Redis db.
 */
import type pg from 'pg';
import { parseConfigText } from '../../src/config/load-config.js';
import type { TenantwatchConfig } from '../../src/config/validate-config.js';

export async function seedOwners(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`
    CREATE TABLE ${schema}.tenants (id text PRIMARY KEY);
    CREATE TABLE ${schema}.projects (tenant_id text NOT NULL, id integer NOT NULL, name text, PRIMARY KEY (tenant_id, id));
    INSERT INTO ${schema}.tenants VALUES ('acme'), ('globex'), ('6f1c2a52-8a8e-4a51-9d3c-3d2f1d0c0a11');
    INSERT INTO ${schema}.projects VALUES ('acme', 1041, 'a'), ('acme', 1042, 'b'), ('globex', 1041, 'c'), ('globex', 1043, 'd');
    CREATE TABLE ${schema}.orgs (id uuid PRIMARY KEY);
    CREATE TABLE ${schema}.docs (org_id uuid NOT NULL, id bigint NOT NULL, PRIMARY KEY (org_id, id));
    INSERT INTO ${schema}.orgs VALUES ('6f1c2a52-8a8e-4a51-9d3c-3d2f1d0c0a11');
    INSERT INTO ${schema}.docs VALUES ('6f1c2a52-8a8e-4a51-9d3c-3d2f1d0c0a11', 7);
  `);
}

export function scanConfig(redisUrl: string, pgUrl: string, schema: string, extra = ''): TenantwatchConfig {
  return parseConfigText(
    `
cache: { url: "${redisUrl}" }
source: { url: "${pgUrl}", statementTimeout: 5s }
tenants: { table: ${schema}.tenants, id: id }
sweep: { rate: 0, count: 100, maxValueBytes: 64kb }
unregistered: warning
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${schema}.projects, tenant: tenant_id, match: { id: project_id } }
  - name: project-legacy
    key: "project:{project_id}"
    marker: $.tenant_id
    owner: { table: ${schema}.projects, tenant: tenant_id, match: { id: project_id } }
  - name: project-list
    key: "projects:{tenant}:page:{page}"
    items: $.items[*]
    marker: $.tenant_id
    owner: { table: ${schema}.projects, tenant: tenant_id, match: { id: $.id } }
  - name: heartbeat
    key: "health:last-export"
    global: true
  - name: session
    key: "sess:{tenant}:{session_id}"
    type: hash
    field: data
    format: json
    marker: $.tenantId
  - name: doc
    key: "doc:{tenant}:{doc_id}"
    marker: [$.org_id, $.attributes.org_id]
    owner: { table: ${schema}.docs, tenant: org_id, match: { id: doc_id } }
${extra}`,
    {},
  );
}
