/**
 * Correctness figures (issue: "nines"): the share of checked keys that held the right
 * tenant's data, as Meta's Polaris reports cache consistency — N nines within M minutes.
 */
export interface Correctness {
  checked: number;
  wrong: number;
  /** 1 - wrong/checked; undefined when nothing was checked. */
  ratio?: number;
  /** -log10(wrong/checked): 3 means 99.9 %. Capped at log10(checked) when nothing was wrong. */
  nines?: number;
}

export function correctness(checked: number, wrong: number): Correctness {
  if (checked <= 0) return { checked: 0, wrong: 0 };
  const w = Math.min(wrong, checked);
  const ratio = 1 - w / checked;
  // With no wrong key the evidence supports at most log10(checked) nines: 1,000 clean keys
  // cannot prove 99.99 %.
  const nines = w === 0 ? Math.log10(checked) : -Math.log10(w / checked);
  return { checked, wrong: w, ratio, nines: Math.round(nines * 100) / 100 };
}

/**
 * What random sampling buys: the probability that `samples` uniformly random keys include at
 * least one bad key when a share `p` of the keyspace is bad.
 */
export function detectionProbability(samples: number, p: number): number {
  if (samples <= 0 || p <= 0) return 0;
  if (p >= 1) return 1;
  return 1 - Math.exp(samples * Math.log1p(-p));
}
