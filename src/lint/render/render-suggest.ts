import { parseKeyPattern } from '../../registry/compile-patterns.js';
import type { LintResult, TemplatePart } from '../lint-types.js';

/**
 * Registry entries for the unregistered templates, as YAML to paste under `patterns:`.
 * Tenant expressions become `{tenant}`, other holes a placeholder named after their expression;
 * a template without tenant scope is suggested as it is, with a comment, so the next run reports
 * it as `no_tenant_scope` instead of hiding it.
 */
export function renderSuggest(results: readonly LintResult[], takenNames: readonly string[]): string {
  const byKey = new Map<string, { tenant: boolean; at: string[] }>();
  for (const r of results) {
    if (r.reason !== 'unregistered' || r.parts === undefined) continue;
    const { key, tenant } = suggestKey(r.parts);
    const entry = byKey.get(key) ?? { tenant, at: [] };
    entry.at.push(`${r.file}:${r.line}`);
    byKey.set(key, entry);
  }
  if (byKey.size === 0) return '# tenantwatch lint-keys --suggest: every template is registered';
  const names = new Set(takenNames);
  const lines = [`# ${byKey.size} registry entries suggested by tenantwatch lint-keys; review the names, then add them under patterns:`, 'patterns:'];
  for (const [key, { tenant, at }] of byKey) {
    const name = uniqueName(key, names);
    let valid = true;
    try {
      parseKeyPattern(key);
    } catch {
      valid = false;
    }
    const where = `# ${at.slice(0, 3).join(', ')}${at.length > 3 ? ` and ${at.length - 3} more` : ''}`;
    const prefix = valid ? '' : '# (not a valid pattern as written) ';
    lines.push(`  ${prefix}- name: ${name}   ${where}`);
    lines.push(`  ${prefix}  key: ${JSON.stringify(key)}`);
    if (!tenant) lines.push(`  ${prefix}  # no {tenant} in this key: lint-keys will report it as no_tenant_scope until the code adds one`);
  }
  return lines.join('\n');
}

function suggestKey(parts: readonly TemplatePart[]): { key: string; tenant: boolean } {
  const used = new Set<string>();
  let key = '';
  let tenant = false;
  let previousHole = false;
  for (const part of parts) {
    if (part.kind === 'text') {
      key += part.text.replace(/[{}]/g, '_');
      previousHole = false;
      continue;
    }
    // Two holes side by side cannot be told apart by a pattern: they become one placeholder.
    if (previousHole) continue;
    previousHole = true;
    let name = part.tenant && !tenant ? 'tenant' : placeholderName(part.text);
    if (name === 'tenant') tenant = true;
    for (let i = 2; used.has(name); i++) name = `${placeholderName(part.text)}_${i}`;
    used.add(name);
    key += `{${name}}`;
  }
  return { key, tenant };
}

/** `project.id` → `project_id`, `$this->user_id` → `user_id`, `#p0` → `p0`. */
function placeholderName(expression: string): string {
  const cleaned = expression
    .replace(/^(?:\$this->|this\.|self\.)/, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^[_\d]+|_+$/g, '')
    .slice(0, 40);
  return cleaned === '' || cleaned === 'tenant' ? 'value' : cleaned;
}

function uniqueName(key: string, taken: Set<string>): string {
  const base = (/^[A-Za-z][A-Za-z0-9_-]*/.exec(key)?.[0] ?? 'key').replace(/[-_]+$/, '').toLowerCase() || 'key';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
