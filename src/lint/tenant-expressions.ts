/** SPEC §4a's default tenant expressions; `lint.tenantExpressions` adds to them. */
export const DEFAULT_TENANT_EXPRESSIONS: readonly string[] = ['tenant_id', 'g.tenant_id', 'request.tenant.id', 'current_tenant', 'tenantId', 'org_id'];

/** Tells whether an expression of the application's code yields the current tenant. */
export interface TenantExpressions {
  matches(expression: string): boolean;
}

// One conversion wrapper is peeled (SPEC §4a): a tenant id turned into a string is still the
// tenant id. The list spans the languages lint-keys reads.
const WRAPPERS: readonly RegExp[] = [
  /^(?:str|String|strval|string|Convert\.ToString|String\.valueOf|strconv\.Itoa|strconv\.FormatInt|fmt\.Sprint|Integer\.toString|Long\.toString|intval|int)\((.+?)(?:,[^,()]*)?\)$/s,
  /^(.+)\.(?:toString|ToString|to_string)\(\)$/s,
  /^(.+)\.to_s$/s,
];

/**
 * The comparable form of an expression: whitespace removed, one conversion wrapper peeled, then
 * `this.`/`self.`/`$this->` and the sigils `$`, `#`, `@`; `->`, `::` and `?.` read as `.` so
 * `$request->tenant->id` compares with `request.tenant.id`.
 */
export function normalizeExpression(text: string): string {
  let s = text.replace(/\s+/g, '');
  for (const wrapper of WRAPPERS) {
    const m = wrapper.exec(s);
    if (m?.[1] !== undefined && balanced(m[1])) {
      s = m[1];
      break;
    }
  }
  // PHP's "${tenant_id}" is $tenant_id.
  s = s.replace(/^\$\{(\w+)\}$/, '$$$1');
  s = s.replace(/->|::|\?\./g, '.');
  s = s.replace(/^\$this\./, '').replace(/^(?:this|self)\./, '');
  s = s.replace(/^[$#@]+/, '');
  return s;
}

/** Compiles the defaults plus configured entries (text, or a regular expression written `/…/`). */
export function compileTenantExpressions(extra: readonly string[]): TenantExpressions {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of [...DEFAULT_TENANT_EXPRESSIONS, ...extra]) {
    const regex = parseRegexEntry(entry);
    if (regex) patterns.push(regex);
    else exact.add(normalizeExpression(entry));
  }
  return {
    matches(expression) {
      const s = normalizeExpression(expression);
      return exact.has(s) || patterns.some((p) => p.test(s));
    },
  };
}

/** `/…/flags` → RegExp (throws SyntaxError for a bad one); anything else → undefined. */
export function parseRegexEntry(entry: string): RegExp | undefined {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(entry);
  return m ? new RegExp(m[1] ?? '', m[2]) : undefined;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth += 1;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
