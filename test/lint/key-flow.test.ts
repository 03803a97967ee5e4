import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../src/lint/languages/index.js';
import { compileLintSettings } from '../../src/lint/lint-settings.js';
import { lintSource } from '../../src/lint/lint-source.js';
import { loadLintConfig } from '../../src/lint/load-lint-config.js';

const settings = compileLintSettings(loadLintConfig(join('test/fixtures/lint', 'tenantwatch.yaml'), {}));

/** The findings of one source file as `line reason template`, in order. */
function lint(file: string, source: string): string[] {
  const adapter = adapterFor(file);
  if (!adapter) throw new Error(`no adapter for ${file}`);
  return lintSource(source, { file, root: '.', adapter }, settings).map((f) => `${f.line} ${f.suppressed ? 'suppressed ' : ''}${f.reason}${f.template === undefined ? '' : ` ${f.template}`}`);
}

describe('variables followed as the code runs', () => {
  it('never resolves a parameter from another function’s assignment: unresolved', () => {
    expect(
      lint('m.py', ['def build(pid):', '    key = f"project:{tenant_id}:{pid}"', '    return key', '', 'def store(key, v):', '    cache.set(key, v)', ''].join('\n')),
    ).toEqual(['6 unresolved']);
  });

  it('reports the unscoped value of a variable set in a branch, not only the last assignment', () => {
    const source = ['def put(pid, v, admin):', '    key = f"project:{pid}"', '    if not admin:', '        key = f"project:{tenant_id}:{pid}"', '    cache.set(key, v)', ''].join('\n');
    expect(lint('m.py', source)).toEqual(['5 no_tenant_scope project:{pid}']);
  });

  it('passes when every branch assigns a scoped key, and a later unconditional assignment replaces earlier ones', () => {
    const branches = ['def put(pid, v, a):', '    if a:', '        key = f"project:{tenant_id}:{pid}"', '    else:', '        key = f"project:{tenant_id}:{pid}:x"', '    cache.set(key, v)', ''].join('\n');
    expect(lint('m.py', branches)).toEqual([]);
    const replaced = ['def put(pid, v):', '    key = f"project:{pid}"', '    key = f"project:{tenant_id}:{pid}"', '    cache.set(key, v)', ''].join('\n');
    expect(lint('m.py', replaced)).toEqual([]);
  });

  it('does not take a value from a nested function, and sees one assigned later in a loop around the write', () => {
    const nested = ['def put(pid, v):', '    key = f"project:{pid}"', '    def helper():', '        key = f"project:{tenant_id}:{pid}"', '    cache.set(key, v)', ''].join('\n');
    expect(lint('m.py', nested)).toEqual(['5 no_tenant_scope project:{pid}']);
    const loop = ['def put(pids, v):', '    key = f"project:{tenant_id}:0"', '    for pid in pids:', '        cache.set(key, v)', '        key = f"project:{pid}"', ''].join('\n');
    expect(lint('m.py', loop)).toEqual(['4 no_tenant_scope project:{pid}']);
  });

  it('reads a tuple assignment by position and never borrows another function’s value for it', () => {
    const source = ['def a(p):', '    key = f"project:{tenant_id}:{p}"', '', 'def b(pid, v):', '    tenant, key = 1, f"project:{pid}"', '    cache.set(key, v)', ''].join('\n');
    expect(lint('m.py', source)).toEqual(['6 no_tenant_scope project:{pid}']);
  });

  it('follows += and .= onto the earlier value, in every language that has them', () => {
    expect(lint('m.py', ['def put(pid, v):', '    k = "project:"', '    k += str(pid)', '    r.set(k, v)', ''].join('\n'))).toEqual(['4 no_tenant_scope project:{str(pid)}']);
    expect(lint('m.ts', ['import Redis from "ioredis";', 'const redis = new Redis();', 'function put(pid: string) {', '  let key = "project:";', '  key += pid;', '  redis.set(key, "v");', '}', ''].join('\n'))).toEqual(['6 no_tenant_scope project:{pid}']);
    expect(lint('m.php', ['<?php', 'function put($pid) {', '  $key = "project:";', '  $key .= $pid;', '  Cache::put($key, 1, 60);', '}', ''].join('\n'))).toEqual(['5 no_tenant_scope project:{$pid}']);
    expect(lint('M.java', ['class M {', '  void put(String pid) {', '    String k = "project:";', '    k += pid;', '    jedis.set(k, "v");', '  }', '}', ''].join('\n'))).toEqual(['5 no_tenant_scope project:{pid}']);
    expect(lint('m.go', ['package m', 'func put(pid string) {', '\tk := "project:"', '\tk += pid', '\trdb.Set(ctx, k, "v", 0)', '}', ''].join('\n'))).toEqual(['5 no_tenant_scope project:{pid}']);
  });

  it('never calls a write clean when a loop or a with statement has replaced its key variable', () => {
    expect(lint('m.py', ['def put(pid, legacy, v):', '    key = f"project:{tenant_id}:{pid}"', '    for key in legacy:', '        cache.set(key, v)', '    with open_key() as key:', '        cache.set(key, v)', ''].join('\n'))).toEqual(['4 unresolved', '6 unresolved']);
    expect(lint('m.ts', ['import Redis from "ioredis";', 'const redis = new Redis();', 'function put(tenantId: string, legacy: string[]) {', '  let key = `project:${tenantId}:1`;', '  for (key of legacy) {', '    redis.set(key, "v");', '  }', '}', ''].join('\n'))).toEqual(['6 unresolved']);
    expect(lint('m.go', ['package m', 'func put(tenantID string, legacy []string) {', '\tkey := "project:" + tenantID + ":1"', '\tfor _, key := range legacy {', '\t\trdb.Set(ctx, key, "v", 0)', '\t}', '}', ''].join('\n'))).toEqual(['5 unresolved']);
    expect(lint('m.php', ['<?php', 'function put($legacy) {', '  $key = "project:" . $tenant_id . ":1";', '  foreach ($legacy as $i => $key) {', '    Cache::put($key, 1, 60);', '  }', '}', ''].join('\n'))).toEqual(['5 unresolved']);
    // A key built from the loop's variable is judged as before: the variable is a hole.
    expect(lint('m.py', ['def put(pids, v):', '    for pid in pids:', '        cache.set(f"project:{pid}", v)', ''].join('\n'))).toEqual(['3 no_tenant_scope project:{pid}']);
  });

  it('keeps a typed parameter unresolved in TypeScript', () => {
    const source = ['import Redis from "ioredis";', 'const redis = new Redis();', 'function i() { const key = `project:${tenantId}:1`; return key; }', 'function k(key: string) { redis.set(key, "v"); }', ''].join('\n');
    expect(lint('m.ts', source)).toEqual(['4 unresolved']);
  });
});

describe('interpolation and formats', () => {
  it('reads PHP "${var}" as $var, never dropping it from the template', () => {
    expect(lint('m.php', ['<?php', 'function put($pid) {', '  Cache::put("project:${pid}", 1, 60);', '  Cache::put("project:${tenant_id}:{$pid}", 1, 60);', '}', ''].join('\n'))).toEqual(['3 no_tenant_scope project:{${pid}}']);
  });

  it('reads Go explicit argument indexes and Ruby named formats, and leaves a * width unresolved', () => {
    expect(lint('m.go', ['package m', 'func put(pid string) {', '\trdb.Set(ctx, fmt.Sprintf("project:%[2]s:%[1]d", pid, tenantID), "v", 0)', '\trdb.Set(ctx, fmt.Sprintf("project:%*d", 8, pid), "v", 0)', '}', ''].join('\n'))).toEqual(['4 unresolved']);
    expect(lint('m.rb', ['def put(pid)', '  Rails.cache.write("project:%<id>s" % {id: pid}, 1)', '  Rails.cache.write(format("project:%{t}:%<id>s", t: tenant_id, id: pid), 1)', 'end', ''].join('\n'))).toEqual(['2 no_tenant_scope project:{pid}']);
  });
});

describe('suppressions', () => {
  it('applies a trailing comment to its own line only, and a comment alone to the line below', () => {
    const source = ['def put(pid, v):', '    cache.set(f"project:{pid}", v)  # tenantwatch: ignore[reviewed this one]', '    cache.set(f"project:{pid}", v)', '    # tenantwatch: ignore[public entry]', '    cache.set(f"project:{pid}", v)', ''].join('\n');
    expect(lint('m.py', source)).toEqual(['2 suppressed no_tenant_scope project:{pid}', '3 no_tenant_scope project:{pid}', '5 suppressed no_tenant_scope project:{pid}']);
  });
});

describe('Spring annotations', () => {
  it('reads @CachePut nested in @Caching, and leaves a keyGenerator key unresolved', () => {
    const source = [
      'class P {',
      '  @Caching(put = { @CachePut(value = "projects", key = "#pid") })',
      '  Object a(String pid) { return null; }',
      '  @Cacheable(value = "projects", keyGenerator = "tenantAwareGen")',
      '  Object b(String pid) { return null; }',
      '}',
      '',
    ].join('\n');
    expect(lint('P.java', source)).toEqual(['2 unregistered projects::{#pid}', '4 unresolved']);
  });
});

describe('pipelines and transactions', () => {
  it('recognises writes on a pipeline or multi taken from a client', () => {
    const py = ['import redis', 'r = redis.Redis()', 'def put(pid, v):', '    p = r.pipeline()', '    p.set(f"project:{pid}", v)', '    with r.pipeline() as tx:', '        tx.set(f"project:{pid}", v)', ''].join('\n');
    expect(lint('m.py', py)).toEqual(['5 no_tenant_scope project:{pid}', '7 no_tenant_scope project:{pid}']);
    const ts = ['import Redis from "ioredis";', 'const redis = new Redis();', 'async function put(pid: string) {', '  const m = redis.multi();', '  m.set(`project:${pid}`, "v");', '}', ''].join('\n');
    expect(lint('m.ts', ts)).toEqual(['5 no_tenant_scope project:{pid}']);
  });

  it('does not take a pipeline of something that is no cache client for one', () => {
    const py = ['import redis', 'r = redis.Redis()', 'def put(pid, v):', '    p = builder.pipeline()', '    p.set(f"project:{pid}", v)', '    q = r.pipeline()', '    q.set(f"project:{pid}", v)', ''].join('\n');
    expect(lint('m.py', py)).toEqual(['7 no_tenant_scope project:{pid}']);
  });
});

describe('flow analysis at its limits', () => {
  const optional = (n: number, first: string) =>
    ['def find(q):', `    key = ${first}`, ...Array.from({ length: n }, (_, i) => [`    if q.f${i}:`, `        key += ":f${i}=" + str(q.f${i})`]).flat(), '    r.set(key, 1)', ''].join('\n');

  it('judges a key with more templates than it enumerates by those it did, never calling it clean', () => {
    // 2^24 combinations: bounded work, and the unscoped prefix is still reported.
    expect(lint('m.py', optional(24, 'f"project:{pid}"'))[0]).toMatch(/^51 no_tenant_scope project:\{pid\}/);
    expect(lint('m.py', optional(24, '"projects:" + g.tenant_id + ":page:"'))).toEqual(['51 unregistered projects:{g.tenant_id}:page:']);
  });

  it('follows a long chain of appends without losing its start', () => {
    const source = ['def find(pid):', '    key = f"project:{pid}"', ...Array.from({ length: 10 }, (_, i) => `    key += ":x${i}"`), '    r.set(key, 1)', ''].join('\n');
    expect(lint('m.py', source)).toEqual(['13 non_tenant_expression project:{pid}:x0:x1:x2:x3:x4:x5:x6:x7:x8:x9']);
  });

  it('sees values assigned in blocks and closures of the same function', () => {
    expect(lint('a.rb', ['def put(ids)', '  key = "project:#{Current.tenant_id}:1"', '  ids.each { |id| key = "project:#{id}" }', '  Rails.cache.write(key, 1)', 'end', ''].join('\n'))).toEqual(['4 no_tenant_scope project:{id}']);
    expect(lint('a.js', ['const Redis = require("ioredis");', 'const redis = new Redis();', 'function put(items, tenantId) {', '  let key = `project:${tenantId}:1`;', '  items.forEach((it) => { key = `project:${it.id}`; });', '  redis.set(key, "v");', '}', ''].join('\n'))).toEqual(['6 no_tenant_scope project:{it.id}']);
  });

  it('ends the previous turn’s value at an assignment inside the loop before the write', () => {
    const source = ['def put(items):', '    for it in items:', '        key = f"project:{g.tenant_id}:{it}"', '        r.set(key, 1)', '        key = f"legacy:{it}"', '        r.delete(key)', ''].join('\n');
    expect(lint('m.py', source)).toEqual([]);
  });

  it('follows walrus and short-circuit assignments as branches', () => {
    expect(lint('m.py', ['def put(pid):', '    if (key := f"project:{pid}"):', '        r.set(key, 1)', ''].join('\n'))).toEqual(['3 no_tenant_scope project:{pid}']);
    expect(lint('m.ts', ['import Redis from "ioredis";', 'const redis = new Redis();', 'function put(id: string, tenantId: string, legacy: boolean) {', '  let key = `project:${id}`;', '  legacy || (key = `project:${tenantId}:${id}`);', '  redis.set(key, "v");', '}', ''].join('\n'))).toEqual(['6 no_tenant_scope project:{id}']);
  });

  it('treats destructuring as an unreadable value, not as no assignment', () => {
    const source = ['import Redis from "ioredis";', 'const redis = new Redis();', 'function put(id: string, tenantId: string, o: { key: string }) {', '  let key = `project:${tenantId}:${id}`;', '  if (id) ({ key } = o);', '  redis.set(key, "v");', '}', ''].join('\n');
    expect(lint('m.ts', source)).toEqual(['6 unresolved']);
  });

  it('lets a comment on the call’s first line cover a key on the next', () => {
    const source = ['def put(flag, v):', '    r.set(  # tenantwatch: ignore[feature flags are global]', '        f"feature:{flag}", v)', ''].join('\n');
    expect(lint('m.py', source)).toEqual(['3 suppressed unregistered feature:{flag}']);
  });
});

describe('block-scoped declarations (JS let/const, Go :=, Java and C# locals)', () => {
  const ts = (body: string[]) => ['import Redis from "ioredis";', 'const redis = new Redis();', 'function put(tenantId: string, id: string) {', ...body, '}', ''].join('\n');
  const go = (body: string[]) => ['package m', 'func put(tenantID string, id string) {', ...body, '}', ''].join('\n');

  it('does not give a write the value of a same-named variable declared in a block it is not in', () => {
    expect(lint('m.ts', ts(['  const key = `project:${tenantId}:${id}`;', '  if (id) {', '    const key = `project:${id}`;', '    redis.get(key);', '  }', '  redis.set(key, "v");']))).toEqual([]);
    expect(lint('m.go', go(['\tkey := "project:" + tenantID + ":" + id', '\tif id != "" {', '\t\tkey := "project:" + id', '\t\trdb.Get(ctx, key)', '\t}', '\trdb.Set(ctx, key, "v", 0)']))).toEqual([]);
  });

  it('gives a write inside the block the inner variable, and keeps its later assignments there', () => {
    expect(lint('m.ts', ts(['  let key = `project:${tenantId}:${id}`;', '  {', '    let key = "project:";', '    key += id;', '    redis.set(key, "v");', '  }', '  redis.set(key, "v");']))).toEqual(['8 no_tenant_scope project:{id}']);
    expect(lint('m.go', go(['\tkey := "project:" + tenantID + ":" + id', '\tfor i := 0; i < 2; i++ {', '\t\tkey := "project:"', '\t\tkey += id', '\t\trdb.Set(ctx, key, "v", 0)', '\t}', '\trdb.Set(ctx, key, "v", 0)']))).toEqual(['7 no_tenant_scope project:{id}']);
  });

  it('still follows a plain assignment in a block to the variable outside it', () => {
    expect(lint('m.ts', ts(['  let key = `project:${tenantId}:${id}`;', '  if (id) {', '    key = `project:${id}`;', '  }', '  redis.set(key, "v");']))).toEqual(['8 no_tenant_scope project:{id}']);
    expect(lint('m.go', go(['\tkey := "project:" + tenantID + ":" + id', '\tif id != "" {', '\t\tkey = "project:" + id', '\t}', '\trdb.Set(ctx, key, "v", 0)']))).toEqual(['7 no_tenant_scope project:{id}']);
  });

  it('gives a JS let the assignments of closures written above it in its block', () => {
    expect(lint('m.ts', ts(['  const reset = () => { key = `project:${id}`; };', '  let key = `project:${tenantId}:${id}`;', '  if (id) reset();', '  redis.set(key, "v");']))).toEqual(['7 no_tenant_scope project:{id}']);
    expect(lint('m.ts', ts(['  if (id) {', '    function reset() { key = `project:${id}`; }', '    let key = `project:${tenantId}:${id}`;', '    reset();', '    redis.set(key, "v");', '  }']))).toEqual(['8 no_tenant_scope project:{id}']);
    expect(lint('m.ts', ts(['  const f = () => { t = id; };', '  let t = tenantId;', '  f();', '  redis.set(`project:${t}:${id}`, "v");']))).toEqual(['7 non_tenant_expression project:{t}:{id}']);
  });

  it('never lends an outer key to a catch parameter, a type-switch alias or a received value of the same name', () => {
    expect(lint('m.ts', ts(['  const key = `project:${tenantId}:${id}`;', '  try {', '    redis.get(key);', '  } catch (key) {', '    redis.set(key, "v");', '  }']))).toEqual(['8 unresolved']);
    const scoped = '\tkey := "project:" + tenantID + ":" + id';
    expect(lint('m.go', go([scoped, '\tswitch key := v.(type) {', '\tcase string:', '\t\trdb.Set(ctx, key, "v", 0)', '\t}']))).toEqual(['6 unresolved']);
    expect(lint('m.go', go([scoped, '\tselect {', '\tcase key := <-ch:', '\t\trdb.Set(ctx, key, "v", 0)', '\t}']))).toEqual(['6 unresolved']);
    expect(lint('m.go', go([scoped, '\tselect {', '\tcase key = <-ch:', '\t}', '\trdb.Set(ctx, key, "v", 0)']))).toEqual(['7 unresolved']);
  });

  it('reads a Go const like a var, in its block', () => {
    expect(lint('m.go', go(['\tkey := "project:" + tenantID + ":" + id', '\tif id != "" {', '\t\tconst key = "project:global"', '\t\trdb.Set(ctx, key, "v", 0)', '\t}', '\trdb.Set(ctx, key, "v", 0)']))).toEqual(['6 no_tenant_scope project:global']);
  });

  it('opens an inner variable at a declaration without a value or with a pattern', () => {
    expect(lint('m.ts', ts(['  let key = `project:${id}`;', '  {', '    let key: string;', '    key = `project:${tenantId}:${id}`;', '  }', '  redis.set(key, "v");']))).toEqual(['9 no_tenant_scope project:{id}']);
    expect(lint('m.ts', ts(['  let key = `project:${id}`;', '  {', '    let { key } = { key: "" };', '    key = `project:${tenantId}:${id}`;', '  }', '  redis.set(key, "v");']))).toEqual(['9 no_tenant_scope project:{id}']);
  });

  it('reads only the names a catch pattern binds, not those in its default values', () => {
    expect(lint('m.ts', ts(['  const key = `project:${tenantId}:${id}`;', '  try {', '    redis.get(key);', '  } catch ({ message = key }) {', '    redis.set(key, "v");', '  }']))).toEqual([]);
  });

  it('sees a generator expression’s parameter as its own', () => {
    expect(lint('m.ts', ts(['  const key = `project:${tenantId}:${id}`;', '  const g = function* (key: string) {', '    redis.set(key, "v");', '  };']))).toEqual(['6 unresolved']);
  });

  it('keeps an outer value where a closure or function assigns the variable only sometimes', () => {
    expect(lint('m.ts', ts(['  let key = `project:${id}`;', '  [1].forEach(() => {', '    if (tenantId) key = `project:${tenantId}:${id}`;', '    redis.set(key, "v");', '  });']))).toEqual(['7 no_tenant_scope project:{id}']);
    const pkg = (body: string[]) => ['package m', 'func put(tenantID string, id string) {', ...body, '}', 'var key = "project:" + legacyID', ''].join('\n');
    expect(lint('m.go', pkg(['\tf := func() { key = "project:" + tenantID + ":" + id }', '\tf()', '\trdb.Set(ctx, key, "v", 0)']))).toEqual(['5 no_tenant_scope project:{legacyID}']);
    expect(lint('m.go', pkg(['\tif id != "" {', '\t\tkey = "project:" + tenantID + ":" + id', '\t}', '\trdb.Set(ctx, key, "v", 0)']))).toEqual(['6 no_tenant_scope project:{legacyID}']);
  });

  it('follows values a closure may see when it runs later: assigned after it, by an earlier call, or at file level below', () => {
    expect(lint('m.ts', ts(['  let key = `project:${tenantId}:${id}`;', '  const f = () => redis.set(key, "v");', '  key = `project:${id}`;', '  f();']))).toEqual(['5 no_tenant_scope project:{id}']);
    expect(lint('m.go', go(['\tkey := "project:" + tenantID + ":" + id', '\tdefer func() { rdb.Set(ctx, key, "v", 0) }()', '\tkey = "project:" + id']))).toEqual(['4 no_tenant_scope project:{id}']);
    expect(lint('m.ts', ts(['  let key = `project:${tenantId}:${id}`;', '  const f = () => {', '    redis.set(key, "v");', '    key = `project:${id}`;', '  };', '  f();', '  f();']))).toEqual(['6 no_tenant_scope project:{id}']);
    expect(lint('m.js', ['const Redis = require("ioredis");', 'const redis = new Redis();', 'function put(tenantId, id, x) {', '  if (x) key = `project:${tenantId}:${id}`;', '  redis.set(key, "v");', '}', 'let key = `project:${legacyId}`;', ''].join('\n'))).toEqual(['5 no_tenant_scope project:{legacyId}']);
  });

  it('reports a value another call may leave in a variable that outlives the call, even after this call assigns it', () => {
    // Concurrent async calls (or goroutines) interleave: the unscoped value can be there at the write.
    expect(lint('m.js', ['const Redis = require("ioredis");', 'const redis = new Redis();', 'let key;', 'async function put(tenantId, id) {', '  key = `project:${tenantId}:${id}`;', '  await 0;', '  redis.set(key, "v");', '  key = `project:${id}`;', '}', ''].join('\n'))).toEqual(['7 no_tenant_scope project:{id}']);
    expect(lint('m.go', ['package m', 'var key string', 'func put(tenantID string, id string) {', '\tkey = "project:" + tenantID + ":" + id', '\trdb.Set(ctx, key, "v", 0)', '\tkey = "project:" + id', '}', ''].join('\n'))).toEqual(['5 no_tenant_scope project:{id}']);
  });

  it('reads a Python comprehension’s variable as its own, never a module value of the same name', () => {
    expect(lint('m.py', ['def warm(pids, v):', '    return [cache.set(key, v) for key in pids]', '', 'key = f"project:{tenant_id}:default"', ''].join('\n'))).toEqual(['2 unresolved']);
    // A walrus in a comprehension assigns the variable around it (PEP 572).
    expect(lint('m.py', ['key = f"project:{tenant_id}:{pid}"', '[(key := f"project:{x}") for x in ids]', 'cache.set(key, v)', ''].join('\n'))).toEqual(['3 no_tenant_scope project:{x}']);
    // …and its for variable does not leak out of the comprehension (Python 3).
    expect(lint('m.py', ['def put(pid, v, ids):', '    key = f"project:{pid}"', '    ks = [k for key in ids]', '    cache.set(key, v)', ''].join('\n'))).toEqual(['4 no_tenant_scope project:{pid}']);
    expect(lint('m.py', ['def put(pid, v, ids):', '    key = f"project:{pid}"', '    ok = any(k for key in ids)', '    cache.set(key, v)', ''].join('\n'))).toEqual(['4 no_tenant_scope project:{pid}']);
  });

  it('judges a write the same whatever writes come before it in the file', () => {
    const w1 = '  redis.set(`${k}${m}`, "v");';
    const w2 = '    redis.set(m, "v");';
    const body = (withEarlier: boolean) => [
      '  let m = "project:";',
      '  let k = m;',
      '  k = m + k;',
      withEarlier ? w1 : '',
      '  if (tenantId) m = k + ":" + id;',
      '  for (const x of [1]) {',
      withEarlier ? w2 : '',
      '    const f = () => { k = m; m = `project:${id}`; };',
      '    m += `project:${id}`;',
      '  }',
      '  k = `project:${id}`;',
      '  k = `:${k}`;',
      '  m = `project:${id}`;',
      '  redis.set(k + m, "v");',
    ];
    const last = (findings: string[]) => findings.filter((f) => f.startsWith('17 '));
    expect(last(lint('m.ts', ts(body(true))))).toEqual(last(lint('m.ts', ts(body(false)))));
    expect(last(lint('m.ts', ts(body(false))))).toHaveLength(1);
  });

  it('reads a JS var as one variable across its whole function, around closures too', () => {
    expect(lint('m.ts', ts(['  var key = `project:${id}`;', '  const f = () => {', '    if (tenantId) key = `project:${tenantId}:${id}`;', '    redis.set(key, "v");', '  };']))).toEqual(['7 no_tenant_scope project:{id}']);
    // The hoisted var shadows the outer key in the whole arrow, and holds nothing yet at the write.
    expect(lint('m.ts', ts(['  let key = `project:${id}`;', '  const f = () => {', '    redis.set(key, "v");', '    var key = `project:${tenantId}:${id}`;', '  };']))).toEqual(['6 unresolved']);
  });

  it('treats a var declaration (function-scoped in JS) in a block as the same variable', () => {
    expect(lint('m.js', ['const Redis = require("ioredis");', 'const redis = new Redis();', 'function put(tenantId, id) {', '  var key = `project:${tenantId}:${id}`;', '  if (id) {', '    var key = `project:${id}`;', '  }', '  redis.set(key, "v");', '}', ''].join('\n'))).toEqual(['8 no_tenant_scope project:{id}']);
  });

  it('keeps sibling blocks apart in Java and C#', () => {
    expect(lint('M.java', ['class M {', '  void put(String tenantId, String id) {', '    if (id != null) {', '      String k = "project:" + id;', '      jedis.get(k);', '    } else {', '      String k = "project:" + tenantId + ":" + id;', '      jedis.set(k, "v");', '    }', '  }', '}', ''].join('\n'))).toEqual([]);
  });
});
