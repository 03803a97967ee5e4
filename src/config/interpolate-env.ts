/**
 * `${VAR}` and `${VAR:-default}` substitution for tenantwatch.yaml.
 *
 * References are first swapped for inert tokens, the YAML is parsed, and only then are the
 * tokens in string scalars replaced. So `tokens: [${TOKEN}]` (where `{` would otherwise open
 * a YAML flow mapping) parses, and a value holding YAML syntax (`: `, `#`, `]`) can never
 * change the document's structure. A scalar that is exactly one reference to an unset
 * variable without default becomes absent, so optional sections switch off cleanly.
 */
const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const TOKEN = /__twenv(\d+)__/g;
const WHOLE_TOKEN = /^__twenv(\d+)__$/;

interface Ref {
  name: string;
  fallback?: string;
}

/** Replace references by tokens that YAML reads as plain text anywhere. */
export function protectRefs(text: string): { text: string; refs: Ref[] } {
  const refs: Ref[] = [];
  const out = text.replace(REF, (_m, name: string, fallback: string | undefined) => {
    refs.push({ name, fallback });
    return `__twenv${refs.length - 1}__`;
  });
  return { text: out, refs };
}

/** Substitute the tokens of a parsed tree from the environment. */
export function interpolateEnv(node: unknown, refs: readonly Ref[], env: NodeJS.ProcessEnv): unknown {
  if (typeof node === 'string') return interpolateString(node, refs, env);
  if (Array.isArray(node)) {
    return node.map((v) => interpolateEnv(v, refs, env)).filter((v) => v !== undefined);
  }
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const r = interpolateEnv(v, refs, env);
      if (r !== undefined && r !== null) out[k] = r;
    }
    return out;
  }
  return node;
}

function lookup(ref: Ref, env: NodeJS.ProcessEnv): string | undefined {
  const v = env[ref.name];
  return v !== undefined && v !== '' ? v : ref.fallback;
}

function interpolateString(s: string, refs: readonly Ref[], env: NodeJS.ProcessEnv): string | undefined {
  const whole = WHOLE_TOKEN.exec(s);
  if (whole) return lookup(refs[Number(whole[1])]!, env);
  return s.replace(TOKEN, (_m, i: string) => lookup(refs[Number(i)]!, env) ?? '');
}
