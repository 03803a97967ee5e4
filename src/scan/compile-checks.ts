import type { DecodeOptions } from '../decode/decode-value.js';
import { compileJsonPath, type JsonPath } from '../markers/json-path.js';
import { OwnerQuery } from '../ownership/owner-query.js';
import { parseKeyPattern } from '../registry/compile-patterns.js';
import type { SourceSchema } from '../source/inspect-source.js';
import type { PatternConfig } from '../types.js';

/** Where one `owner.match` column takes its value from. */
export type MatchSource = { from: 'key'; placeholder: string } | { from: 'payload'; path: JsonPath };

/** A pattern with its paths compiled and its owner SQL prepared, ready for the hot path. */
export interface PatternChecks {
  config: PatternConfig;
  hasTenant: boolean;
  markerPaths: JsonPath[];
  itemsPath?: JsonPath;
  matchSources: MatchSource[];
  ownerQuery?: OwnerQuery;
  /** decodeValue's options for this pattern, built once rather than per key. */
  decode: DecodeOptions;
}

export function compileChecks(patterns: readonly PatternConfig[], schema: SourceSchema, limits: { maxBytes: number; maxDepth: number }): Map<string, PatternChecks> {
  const out = new Map<string, PatternChecks>();
  for (const p of patterns) {
    const placeholders = parseKeyPattern(p.key).flatMap((s) => (s.kind === 'placeholder' ? [s.name] : []));
    const columns = p.owner && schema.get(p.owner.table);
    out.set(p.name, {
      config: p,
      hasTenant: placeholders.includes('tenant'),
      markerPaths: (p.marker ?? []).map(compileJsonPath),
      itemsPath: p.items ? compileJsonPath(p.items) : undefined,
      matchSources: Object.values(p.owner?.match ?? {}).map((v) =>
        v.startsWith('$') ? { from: 'payload', path: compileJsonPath(v) } : { from: 'key', placeholder: v },
      ),
      ownerQuery: p.owner && columns ? new OwnerQuery(p.owner, columns) : undefined,
      decode: { format: p.format, compression: p.compression, base64: p.base64, ...limits },
    });
  }
  return out;
}
