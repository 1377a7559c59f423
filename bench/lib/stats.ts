/** Order statistics of benchmark samples, shared by the benchmarks. */

/** The sample at or above `p` percent of the others (NaN for none). */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The middle sample (the upper one of an even count). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}
