import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';

/**
 * The README's framework recipes, exactly as written there, scanned against the values the real
 * libraries wrote (test/fixtures/frameworks/*): each must classify its framework's fixtures as the
 * manifest says, so a recipe that drifts from what the decoders produce fails here. Fixtures whose
 * manifest records the key the library itself stored (`storedKey`: Keyv, cache-manager) are also
 * stored under that exact key, and some recipe must register and classify it: a recipe whose key
 * prefix differs from what the library writes fails here too.
 */
interface Manifest {
  framework: string;
  pattern: { type?: string; field?: string };
  fixtures: { file: string; keyTenant: string; expect: string[]; hash?: Record<string, string>; storedKey?: string }[];
}

interface Recipe {
  name: string;
  key: string;
  [setting: string]: unknown;
}

/** Which fixture folder each README recipe (by pattern name) is checked against. */
const FOLDER_OF_RECIPE: Record<string, string> = {
  'spring-projects': 'spring',
  'nest-project': 'keyv',
  'keyv4-project': 'keyv',
  'cache-manager-project': 'cache-manager',
  'go-session': 'go-cache',
  'dotnet-session': 'dotnet',
  'flask-project': 'flask-caching',
  'django-project': 'django-redis',
  'laravel-project': 'laravel',
  'rails-project': 'rails',
};

const ROOT = 'test/fixtures/frameworks';

function recipesInReadme(): Recipe[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('\n## Framework recipes\n');
  if (start < 0) throw new Error('README.md has no "## Framework recipes" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((block) => parse(block[1]!) as Recipe[]);
}

const recipes = recipesInReadme();
const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'manifest.json')))
  .map((d) => d.name);
const manifestOf = (folder: string) => JSON.parse(readFileSync(join(ROOT, folder, 'manifest.json'), 'utf8')) as Manifest;

/** The recipe's own key template, with the fixture's tenant and its index for every other placeholder. */
const keyOf = (recipe: Recipe, tenant: string, i: number) => recipe.key.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'tenant' ? tenant : String(i)));

/**
 * Fixtures stored under the key the library wrote them to. The generators give each value its own
 * id (keyv 1041…, cache-manager 2041…), so these keys differ from each other and from keyOf's.
 */
const realKeyed = folders.flatMap((folder) =>
  manifestOf(folder).fixtures.flatMap((f) => (f.storedKey === undefined ? [] : [{ folder, ...f, storedKey: f.storedKey }])),
);

let db: RedisDb;
let dir: string;
let report: { findings: { kind: string; key?: string }[]; unchecked: { total: number }; scanned: number; patterns: Record<string, number> };
let exitCode: number | null;

beforeAll(async () => {
  db = await useRedisDb();
  dir = mkdtempSync(join(tmpdir(), 'tw-recipes-'));
  for (const recipe of recipes) {
    const folder = FOLDER_OF_RECIPE[recipe.name];
    if (folder === undefined) continue; // reported by the first test
    const m = manifestOf(folder);
    for (const [i, f] of m.fixtures.entries()) {
      const bytes = readFileSync(join(ROOT, folder, f.file));
      // How the library stored it (a .NET hash, a plain string), whatever the recipe says.
      const key = keyOf(recipe, f.keyTenant, i);
      if (m.pattern.type === 'hash') await db.redis.hset(key, { ...(f.hash ?? {}), [m.pattern.field ?? 'data']: bytes });
      else await db.redis.set(key, bytes);
    }
  }
  for (const f of realKeyed) {
    if (await db.redis.exists(f.storedKey)) throw new Error(`${f.folder}/${f.file}: ${f.storedKey} is stored twice`);
    await db.redis.set(f.storedKey, readFileSync(join(ROOT, f.folder, f.file)));
  }
  const config = join(dir, 'tenantwatch.yaml');
  writeFileSync(config, stringify({ cache: { url: db.url }, sweep: { rate: 0 }, patterns: recipes }));
  const run = spawnSync(process.execPath, ['bin/tenantwatch.js', 'scan', '--json', '--fail-on', 'never', '--config', config], { encoding: 'utf8' });
  exitCode = run.status;
  report = JSON.parse(run.stdout) as typeof report;
});

afterAll(async () => {
  await db?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the README's framework recipes", () => {
  it('cover every fixture folder, each recipe checked against one', () => {
    expect(recipes.map((r) => r.name).sort()).toEqual(Object.keys(FOLDER_OF_RECIPE).sort());
    expect([...new Set(Object.values(FOLDER_OF_RECIPE))].sort()).toEqual([...folders].sort());
  });

  it('scan every fixture, leaving none unchecked', () => {
    expect(exitCode).toBe(0);
    expect(report.scanned).toBe(recipes.reduce((n, r) => n + manifestOf(FOLDER_OF_RECIPE[r.name]!).fixtures.length, 0) + realKeyed.length);
    expect(report.unchecked.total).toBe(0);
  });

  it('register every key a library itself wrote (keyv:, keyv::keyv:, bare) under some recipe', () => {
    expect(realKeyed.length).toBeGreaterThan(0);
    // Unregistered keys count as scanned but under no pattern.
    expect(Object.values(report.patterns).reduce((n, c) => n + c, 0)).toBe(report.scanned);
  });

  it('classify every value under the key its library wrote it to as its manifest says', () => {
    const got = realKeyed.map((f) => ({
      file: `${f.folder}/${f.file}`,
      kinds: report.findings.filter((x) => x.key === f.storedKey).map((x) => x.kind).sort(),
    }));
    expect(got).toEqual(realKeyed.map((f) => ({ file: `${f.folder}/${f.file}`, kinds: [...f.expect].sort() })));
  });

  for (const recipe of recipes) {
    const folder = FOLDER_OF_RECIPE[recipe.name];
    if (folder === undefined) continue;
    it(`${recipe.name} classifies every ${folder} value as its manifest says`, () => {
      const m = manifestOf(folder);
      const got = m.fixtures.map((f, i) => ({
        file: f.file,
        kinds: report.findings.filter((x) => x.key === keyOf(recipe, f.keyTenant, i)).map((x) => x.kind).sort(),
      }));
      expect(got).toEqual(m.fixtures.map((f) => ({ file: f.file, kinds: [...f.expect].sort() })));
    });
  }
});
