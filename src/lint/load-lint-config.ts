import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { lintKeysSchema } from '../config/config-schema.js';
import { interpolateEnv, protectRefs } from '../config/interpolate-env.js';
import { formatPath } from '../config/load-config.js';
import { validateLint } from '../config/validate-config.js';
import { ConfigError } from '../errors.js';
import { parseKeyPattern } from '../registry/compile-patterns.js';
import type { PatternConfig } from '../types.js';
import { EMPTY_LINT, type LintOptions } from './lint-settings.js';

/**
 * Reads the parts of tenantwatch.yaml lint-keys uses (SPEC §4a: `patterns`, `unregistered`,
 * `lint`). A CI job that only lints has no cache or database, so their sections are not
 * required or checked here; every problem in these parts is listed with its path.
 */
export function loadLintConfig(path: string, env: NodeJS.ProcessEnv): LintOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([`${path}: ${reason}`], { cause: err });
  }
  const protectedText = protectRefs(text);
  const doc = parseDocument(protectedText.text);
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.slice(0, 3).map((e) => `${path}: ${e.message.split('\n')[0]}`));
  const parsed = lintKeysSchema.safeParse(interpolateEnv(doc.toJS() ?? {}, protectedText.refs, env));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
  const problems: string[] = [];
  const names = new Set<string>();
  const patterns: PatternConfig[] = parsed.data.patterns.map((p, index) => {
    if (names.has(p.name)) problems.push(`patterns[${index}].name: duplicate pattern name "${p.name}"`);
    names.add(p.name);
    try {
      parseKeyPattern(p.key);
    } catch (err) {
      problems.push(`patterns[${index}].key: ${(err as Error).message}`);
    }
    return { ...p, index };
  });
  const lint = validateLint(parsed.data.lint ?? EMPTY_LINT, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { patterns, unregistered: parsed.data.unregistered, lint };
}
