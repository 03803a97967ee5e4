import { describe, expect, it } from 'vitest';
import { compileRegistry } from '../../src/registry/classify-key.js';
import { parseBraceFormat, parsePrintf } from '../../src/lint/format-string.js';
import { judgeTemplate } from '../../src/lint/judge-template.js';
import type { TemplatePart } from '../../src/lint/lint-types.js';
import { receiverSegments } from '../../src/lint/match-call-site.js';
import { compileTenantExpressions, normalizeExpression } from '../../src/lint/tenant-expressions.js';
import type { PatternConfig } from '../../src/types.js';

const pattern = (name: string, key: string, global = false): PatternConfig => ({ name, key, index: 0, global, type: 'auto', format: 'auto', compression: 'auto', base64: false });
const registry = compileRegistry([pattern('project', 'project:{tenant}:{project_id}'), pattern('legacy', 'project:{project_id}'), pattern('beat', 'health:{name}', true)]);
const text = (t: string): TemplatePart => ({ kind: 'text', text: t });
const hole = (t: string, tenant = false): TemplatePart => ({ kind: 'hole', text: t, tenant });

describe('tenant expressions', () => {
  it('peels sigils, this/self and one conversion wrapper before comparing', () => {
    const tenants = compileTenantExpressions([]);
    for (const e of ['tenant_id', '$tenant_id', '@tenant_id', '#tenantId', 'self.tenant_id', '$this->tenantId', 'str(g.tenant_id)', 'String(tenantId)', 'tenantId.toString()', 'strval($org_id)', '$request->tenant->id']) {
      expect(tenants.matches(e), e).toBe(true);
    }
    for (const e of ['project_id', 'owner.tenant_id', 'str(str(tenant_id))', 'tenant_identifier']) expect(tenants.matches(e), e).toBe(false);
  });

  it('adds configured expressions, text or /regex/', () => {
    const tenants = compileTenantExpressions(['Current.tenant_id', '/^ctx\\.(org|tenant)Id$/']);
    expect(tenants.matches('Current.tenant_id')).toBe(true);
    expect(tenants.matches('this.ctx.orgId')).toBe(true);
    expect(tenants.matches('ctx.userId')).toBe(false);
    expect(normalizeExpression(' self . tenant_id ')).toBe('tenant_id');
  });
});

describe('format strings', () => {
  it('reads printf slots by position, by number and by name, with %% as text', () => {
    expect(parsePrintf('p:%s:%05d:%%:%(name)s:%2$s')).toEqual(['p:', { index: 0 }, ':', { index: 1 }, ':', '%', ':', { name: 'name' }, ':', { index: 1 }]);
  });

  it('reads brace slots and literal braces', () => {
    expect(parseBraceFormat('p:{}:{0:D}:{name}:{{x}}')).toEqual(['p:', { index: 0 }, ':', { index: 0 }, ':', { name: 'name' }, ':{x}']);
  });
});

describe('judging a template', () => {
  it('passes a {tenant} slot filled by a tenant expression', () => {
    expect(judgeTemplate([text('project:'), hole('tenant_id', true), text(':'), hole('id')], registry)).toEqual({ pattern: 'project' });
  });

  it('reports the incident’s key as no_tenant_scope, a literal tenant as non_tenant_expression', () => {
    expect(judgeTemplate([text('project:'), hole('project_id')], registry)).toEqual({ reason: 'no_tenant_scope', pattern: 'legacy' });
    expect(judgeTemplate([text('project:acme:'), hole('id')], registry)).toEqual({ reason: 'non_tenant_expression', pattern: 'project' });
    expect(judgeTemplate([text('project:'), hole('owner.id'), text(':'), hole('id')], registry)).toEqual({ reason: 'non_tenant_expression', pattern: 'project' });
  });

  it('never flags a global pattern, and calls a template matching nothing unregistered', () => {
    expect(judgeTemplate([text('health:last-export')], registry)).toEqual({ pattern: 'beat' });
    expect(judgeTemplate([text('new_resource:'), hole('id')], registry)).toEqual({ reason: 'unregistered' });
  });
});

describe('receivers', () => {
  it('reduces a receiver to the segments call-site tables name', () => {
    expect(receiverSegments('self._cache')).toEqual(['cache']);
    expect(receiverSegments("Cache::store('redis')")).toEqual(['cache', 'store']);
    expect(receiverSegments('redisTemplate.opsForValue()')).toEqual(['redistemplate', 'opsforvalue']);
    expect(receiverSegments('$this->redis')).toEqual(['redis']);
    expect(receiverSegments("caches['default']")).toEqual(['caches']);
  });
});
