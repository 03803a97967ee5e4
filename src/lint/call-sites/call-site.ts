/**
 * One row of a language's call-site table: calls of `methods` on a receiver recognised as a cache
 * client are writes, and the key is argument `key` (or the named argument `keyName`). The default
 * tables live beside this file; `lint.callSites` in tenantwatch.yaml adds rows of the same shape.
 */
export interface CallSite {
  /** Names the client or framework; `lint.prefixes[framework]` is prepended to its keys. */
  framework: string;
  /**
   * Receiver names, compared case-insensitively with the receiver's trailing segments once
   * `self.`/`this.`/`$this->`, sigils, leading `_` and call arguments are dropped:
   * `Rails.cache` matches `Rails.cache.write`, `cache` matches `self._cache.set` and `cache()->put`.
   */
  receivers: readonly string[];
  /** Receivers declared with one of these types (or assigned from these constructors) count too. */
  types?: readonly string[];
  /** Method names, case-sensitive. */
  methods: readonly string[];
  /** Index of the key among positional arguments (default 0). */
  key?: number;
  /** Keyword or named argument that may carry the key (`name=` in redis-py, `key:` in C#). */
  keyName?: string;
  /**
   * `single` (default): one key. `multi`: several keys from a map/dict/object literal at `key`,
   * or alternating key, value arguments from `key` on (`mset k1 v1 k2 v2`).
   */
  form?: 'single' | 'multi';
  /** The call is a write only with a block (Rails `fetch(key) { … }`). */
  block?: boolean;
  /** The row applies only in files that mention one of these (an import, a namespace). */
  imports?: readonly string[];
}

/** Declared types whose `set`/`put` is not a cache write (Map.set, a HashMap field named cache). */
export interface LookAlikes {
  types: readonly string[];
}
