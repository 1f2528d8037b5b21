// Side-by-side timing: contenders run in interleaved rounds (the order rotates every round), so
// that whatever the machine does meanwhile lands on all of them alike. Each round times a batch of
// sequential awaited calls per contender; a ratio is taken per round, and the median reported.
import { performance } from "node:perf_hooks";

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Runs `contenders` ({ name, fn }) in interleaved rounds, bounded by `maxRounds` and `maxMs`
 * (whichever comes first; warm-up included in neither). Returns per-call times (µs) per round.
 */
export async function interleave(contenders, { batch, warmupBatches, maxRounds, maxMs }) {
  for (let w = 0; w < warmupBatches; w++) {
    for (const { fn } of contenders) for (let k = 0; k < batch; k++) await fn();
  }
  const perCall = contenders.map(() => []);
  const started = performance.now();
  const n = contenders.length;
  let rounds = 0;
  while (rounds < maxRounds && performance.now() - started < maxMs) {
    // Rotate the order every round and reverse it every other, so no contender always goes first
    // (or always right after another one's garbage).
    const order = Array.from({ length: n }, (_, i) => (i + rounds) % n);
    if (rounds % 2) order.reverse();
    for (const i of order) {
      const { fn } = contenders[i];
      const t0 = performance.now();
      for (let k = 0; k < batch; k++) await fn();
      perCall[i].push(((performance.now() - t0) * 1000) / batch);
    }
    rounds++;
  }
  return { rounds, elapsedMs: performance.now() - started, perCall };
}

/** Per-round ratios of contender `a` over contender `b`, summarised. */
export function ratio(run, a, b) {
  const ratios = run.perCall[a].map((t, r) => t / run.perCall[b][r]);
  return {
    median: median(ratios),
    p25: quantile(ratios, 0.25),
    p75: quantile(ratios, 0.75),
    usA: median(run.perCall[a]),
    usB: median(run.perCall[b]),
  };
}
