import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema } from './config-schema.js';
import { interpolateEnv, protectRefs } from './interpolate-env.js';
import { validateConfig, type TenantwatchConfig } from './validate-config.js';

/** Where the config comes from: `--config`, else $TENANTWATCH_CONFIG, else ./tenantwatch.yaml. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.TENANTWATCH_CONFIG ?? 'tenantwatch.yaml';
}

/** Read, interpolate and validate a config file; throws ConfigError listing every problem. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): TenantwatchConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([`${path}: ${reason}`], { cause: err });
  }
  return parseConfigText(text, env, path);
}

/** Validate config text (YAML); `origin` names it in error messages. */
export function parseConfigText(text: string, env: NodeJS.ProcessEnv, origin = 'config'): TenantwatchConfig {
  const protectedText = protectRefs(text);
  const doc = parseDocument(protectedText.text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    // The first syntax error explains the rest, which are usually its echoes.
    const shown = doc.errors.slice(0, 3).map((e) => `${origin}: ${e.message.split('\n')[0]}`);
    if (doc.errors.length > 3) shown.push(`${origin}: … and ${doc.errors.length - 3} more YAML errors after these`);
    throw new ConfigError(shown);
  }
  const raw = interpolateEnv(doc.toJS() ?? {}, protectedText.refs, env);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(formatIssue));
  return validateConfig(parsed.data);
}

/** `patterns[2].owner.table: required` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path);
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${at}: required`;
  if (issue.code === 'unrecognized_keys') return `${at}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_value') return `${at}: must be one of ${issue.values.map(String).join(', ')}`;
  return `${at}: ${issue.message}`;
}
