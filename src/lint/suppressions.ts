// `tenantwatch: ignore[reason]` after a comment opener of any language lint-keys reads.
const MARKER = /(?:#|\/\/|\/\*|^\s*\*|--)\s*tenantwatch:\s*ignore(?:\[([^\]]*)\])?/;

/** What the comments of one file say: the reason a line is suppressed for, by 1-based line. */
export interface Suppressions {
  /** The reason covering a write on this line (on the line itself or the line above). */
  reasonFor(line: number): string | undefined;
  /** 1-based lines with `tenantwatch: ignore` but no reason: they suppress nothing. */
  readonly withoutReason: readonly number[];
}

const NONE: Suppressions = { reasonFor: () => undefined, withoutReason: [] };

export function findSuppressions(source: string): Suppressions {
  if (!source.includes('tenantwatch:')) return NONE;
  const reasons = new Map<number, string>();
  const withoutReason: number[] = [];
  source.split('\n').forEach((text, i) => {
    if (!text.includes('tenantwatch:')) return;
    const m = MARKER.exec(text);
    if (!m) return;
    const reason = m[1]?.trim();
    if (reason) reasons.set(i + 1, reason);
    else withoutReason.push(i + 1);
  });
  return {
    reasonFor: (line) => reasons.get(line) ?? reasons.get(line - 1),
    withoutReason,
  };
}
