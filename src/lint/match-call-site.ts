import type { CallSite, LookAlikes } from './call-sites/index.js';
import type { CallShape, LanguageAdapter } from './lint-types.js';

/**
 * `self._cache`, `$this->redis`, `Cache::store('redis')`, `redisTemplate.opsForValue()` as
 * lower-case segments without call arguments, subscripts, sigils or leading underscores:
 * `cache`, `redis`, `cache.store`, `redistemplate.opsforvalue`.
 */
export function receiverSegments(receiver: string): string[] {
  let s = receiver.replace(/\s+/g, '');
  // Drop argument lists and subscripts from the inside out.
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(/\([^()]*\)|\[[^[\]]*\]/g, '');
  }
  s = s.replace(/->|::|\?\.|&\./g, '.');
  return s
    .split('.')
    .map((seg) => seg.replace(/^[$@#&*]+/, '').replace(/^_+/, '').toLowerCase())
    .filter((seg, i) => seg !== '' && !(i === 0 && (seg === 'this' || seg === 'self')));
}

// Methods that hand out a batch of commands sent later: redis-py and ioredis `pipeline`/`multi`,
// node-redis `multi`, go-redis `Pipeline`/`TxPipeline`, Jedis `pipelined`, StackExchange.Redis
// `CreateBatch`/`CreateTransaction`, redis-rb `pipelined`/`multi` blocks.
const BATCH = '(?:pipeline|multi|Pipeline|TxPipeline|pipelined|CreateBatch|CreateTransaction)';
const FROM = '(?<from>[\\w$@.>:\\-]+?)';
const DERIVED: readonly RegExp[] = [
  // p = r.pipeline() · const m = redis.multi() · pipe := rdb.Pipeline() · var b = db.CreateBatch()
  new RegExp(`(?<name>[A-Za-z_$][\\w$]*)\\s*(?::=|=)\\s*(?:await\\s+)?${FROM}\\s*\\.\\s*${BATCH}\\s*\\(`, 'g'),
  // with r.pipeline() as p:
  new RegExp(`\\bwith\\s+${FROM}\\.${BATCH}\\([^)]*\\)\\s+as\\s+(?<name>[A-Za-z_]\\w*)`, 'g'),
  // redis.pipelined do |pipe| · redis.multi { |m| … }
  new RegExp(`${FROM}\\.${BATCH}\\s*(?:\\([^)]*\\))?\\s*(?:do|\\{)\\s*\\|\\s*(?<name>[A-Za-z_]\\w*)\\s*\\|`, 'g'),
];

function endsWith(segments: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length === 0 || suffix.length > segments.length) return false;
  const offset = segments.length - suffix.length;
  return suffix.every((s, i) => segments[offset + i] === s);
}

interface CompiledTable {
  methods: ReadonlySet<string>;
  receivers: ReadonlyArray<ReadonlyArray<readonly string[]>>;
}

const COMPILED = new WeakMap<readonly CallSite[], CompiledTable>();

/** The table's method names and receiver segments, worked out once per table, not once per file. */
function compiledTable(table: readonly CallSite[]): CompiledTable {
  let compiled = COMPILED.get(table);
  if (compiled === undefined) {
    compiled = { methods: new Set(table.flatMap((site) => site.methods)), receivers: table.map((site) => site.receivers.map((r) => receiverSegments(r))) };
    COMPILED.set(table, compiled);
  }
  return compiled;
}

/** One file's view of a call-site table: which receivers its declarations make clients. */
export class CallSiteMatcher {
  private readonly methods: ReadonlySet<string>;
  private readonly receivers: ReadonlyArray<ReadonlyArray<readonly string[]>>;
  private readonly typed = new Map<number, ReadonlySet<string>>();
  private lookAlikeNames: ReadonlySet<string> | undefined;
  private derived: Map<string, string[]> | undefined;

  constructor(
    private readonly table: readonly CallSite[],
    private readonly lookAlikes: LookAlikes,
    private readonly adapter: LanguageAdapter,
    private readonly source: string,
  ) {
    ({ methods: this.methods, receivers: this.receivers } = compiledTable(table));
  }

  /** Cheap first test: is this method name in any row at all? */
  hasMethod(method: string): boolean {
    return this.methods.has(method);
  }

  /** The first row that makes this call a cache write, if any. */
  match(call: CallShape): CallSite | undefined {
    const segments = receiverSegments(call.receiver);
    if (segments.length === 0) return undefined;
    const last = segments[segments.length - 1] as string;
    if (segments.length === 1 && this.isLookAlike(last)) return undefined;
    for (let i = 0; i < this.table.length; i++) {
      const site = this.table[i] as CallSite;
      if (!site.methods.includes(call.method)) continue;
      if (site.block === true && !call.hasBlock) continue;
      if (site.imports && !site.imports.some((name) => this.source.includes(name))) continue;
      const byName = (this.receivers[i] ?? []).some((suffix) => endsWith(segments, suffix));
      if (byName ? this.isLookAlike(last) : !this.typedNames(i).has(last)) {
        // A pipeline or transaction taken from one of this row's clients writes like it.
        const parent = segments.length === 1 ? this.derivedFrom(last) : undefined;
        if (parent === undefined || !this.isClient(i, parent)) continue;
      }
      return site;
    }
    return undefined;
  }

  private isClient(index: number, segments: readonly string[]): boolean {
    const last = segments.at(-1);
    if (last === undefined || this.isLookAlike(last)) return false;
    return (this.receivers[index] ?? []).some((suffix) => endsWith(segments, suffix)) || this.typedNames(index).has(last);
  }

  /** The receiver a variable's pipeline or transaction was taken from (`p = r.pipeline()` → r). */
  private derivedFrom(name: string): string[] | undefined {
    if (this.derived === undefined) {
      const derived = new Map<string, string[]>();
      for (const re of DERIVED) {
        for (const m of this.source.matchAll(re)) {
          const variable = m.groups?.name;
          const from = m.groups?.from;
          if (variable !== undefined && from !== undefined) derived.set(variable.replace(/^[$_]+/, '').toLowerCase(), receiverSegments(from));
        }
      }
      this.derived = derived;
    }
    return this.derived.get(name);
  }

  private typedNames(index: number): ReadonlySet<string> {
    let names = this.typed.get(index);
    if (names === undefined) {
      const types = this.table[index]?.types ?? [];
      names = new Set(types.flatMap((t) => this.adapter.declaredNames(this.source, t)).map((n) => n.replace(/^_+/, '').toLowerCase()));
      this.typed.set(index, names);
    }
    return names;
  }

  private isLookAlike(name: string): boolean {
    this.lookAlikeNames ??= new Set(this.lookAlikes.types.flatMap((t) => this.adapter.declaredNames(this.source, t)).map((n) => n.replace(/^_+/, '').toLowerCase()));
    return this.lookAlikeNames.has(name);
  }
}
