// `tenantwatch: ignore[reason]` after a comment opener of any language lint-keys reads.
const MARKER = /(?:#|\/\/|\/\*|^\s*\*|--)\s*tenantwatch:\s*ignore(?:\[([^\]]*)\])?/;

/** What the comments of one file say: the reason a line is suppressed for, by 1-based line. */
export interface Suppressions {
  /**
   * The reason covering a write whose key is on `line` (its call starting on `callLine`): a
   * comment on either line or between them, or a comment alone on the line above the call. A
   * comment trailing another write never covers the next line's.
   */
  reasonFor(line: number, callLine?: number): string | undefined;
  /** 1-based lines with `tenantwatch: ignore` but no reason: they suppress nothing. */
  readonly withoutReason: readonly number[];
}

const NONE: Suppressions = { reasonFor: () => undefined, withoutReason: [] };

export function findSuppressions(source: string): Suppressions {
  if (!source.includes('tenantwatch:')) return NONE;
  const reasons = new Map<number, string>();
  // Lines holding only the comment: they cover the line below. A comment trailing a write
  // covers that write alone, never the next line's.
  const alone = new Set<number>();
  const withoutReason: number[] = [];
  source.split('\n').forEach((text, i) => {
    if (!text.includes('tenantwatch:')) return;
    const m = MARKER.exec(text);
    if (!m) return;
    const reason = m[1]?.trim();
    if (reason) {
      reasons.set(i + 1, reason);
      if (text.slice(0, m.index).trim() === '') alone.add(i + 1);
    }
    else withoutReason.push(i + 1);
  });
  return {
    reasonFor: (line, callLine = line) => {
      const first = Math.min(line, callLine);
      for (let l = first; l <= line; l++) {
        const reason = reasons.get(l);
        if (reason !== undefined) return reason;
      }
      return alone.has(first - 1) ? reasons.get(first - 1) : undefined;
    },
    withoutReason,
  };
}
