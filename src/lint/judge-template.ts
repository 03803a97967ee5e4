import type { KeyRegistry } from '../registry/classify-key.js';
import type { TemplatePart } from './lint-types.js';

/** What the registry says about a template: clean (no reason), or why it is reported. */
export interface TemplateJudgement {
  reason?: 'unregistered' | 'no_tenant_scope' | 'non_tenant_expression';
  pattern?: string;
}

// Each hole becomes one private-use character: a placeholder takes one or more characters up to
// the next literal (SPEC §2), so a hole fills exactly one placeholder and never crosses a
// delimiter; what fills a pattern's {tenant} can then be read back from the match.
const SENTINEL_BASE = 0xe000;
const MAX_HOLES = 0x1900;

/** Matches a template against the registry by SPEC §2's rules and applies §4a's outcomes. */
export function judgeTemplate(parts: readonly TemplatePart[], registry: KeyRegistry): TemplateJudgement {
  const holes: Array<Extract<TemplatePart, { kind: 'hole' }>> = [];
  let key = '';
  for (const part of parts) {
    if (part.kind === 'text') key += part.text;
    else if (holes.length < MAX_HOLES) {
      key += String.fromCharCode(SENTINEL_BASE + holes.length);
      holes.push(part);
    }
  }
  const match = registry.classify(key);
  if (match.kind === 'unregistered') return { reason: 'unregistered' };
  const pattern = match.pattern.name;
  if (match.pattern.global) return { pattern };
  const tenant = match.values.tenant;
  if (tenant === undefined) return { reason: 'no_tenant_scope', pattern };
  let tenantHoles = 0;
  for (const c of tenant) {
    const hole = holes[c.charCodeAt(0) - SENTINEL_BASE];
    if (hole === undefined) continue;
    if (!hole.tenant) return { reason: 'non_tenant_expression', pattern };
    tenantHoles += 1;
  }
  // Only literal text in the {tenant} slot: every tenant gets the same key.
  return tenantHoles > 0 ? { pattern } : { reason: 'non_tenant_expression', pattern };
}
